/** The signed restore token a text's short link (/s/<code>) stands for; null when unknown. */
export async function shortLinkToken(db: D1Database, code: string): Promise<string | null> {
  const row = await db
    .prepare('SELECT token FROM short_links WHERE code = ?')
    .bind(code)
    .first<{ token: string }>()
  return row?.token ?? null
}

/** Stores (or refreshes) the signed restore token a short link's code stands for. */
export async function putShortLink(
  db: D1Database,
  link: { code: string; storeId: string; cartId: string; token: string; expiresAt: number },
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO short_links (code, store_id, cart_id, token, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (code) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at`,
    )
    .bind(link.code, link.storeId, link.cartId, link.token, link.expiresAt)
    .run()
}
