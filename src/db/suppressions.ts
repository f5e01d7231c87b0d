/** Suppresses an address on a channel for a store (idempotent: the first source is kept). */
export async function suppress(
  db: D1Database,
  s: { storeId: string; channel: 'email' | 'sms'; address: string; source: string },
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO suppressions (store_id, channel, address, source, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (store_id, channel, address) DO NOTHING`,
    )
    .bind(s.storeId, s.channel, s.address, s.source, Date.now())
    .run()
}

export async function isSuppressed(
  db: D1Database,
  storeId: string,
  channel: 'email' | 'sms',
  address: string,
): Promise<boolean> {
  const row = await db
    .prepare('SELECT 1 AS yes FROM suppressions WHERE store_id = ? AND channel = ? AND address = ?')
    .bind(storeId, channel, address)
    .first()
  return row !== null
}

/** Lifts a suppression (the shopper texted START or YES). */
export async function unsuppress(
  db: D1Database,
  s: { storeId: string; channel: 'email' | 'sms'; address: string },
): Promise<void> {
  await db
    .prepare('DELETE FROM suppressions WHERE store_id = ? AND channel = ? AND address = ?')
    .bind(s.storeId, s.channel, s.address)
    .run()
}
