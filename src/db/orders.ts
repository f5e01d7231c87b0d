// Which cart a paid order belongs to, for orders that arrive without a cart id.

/** The cart a paid order belongs to when it carries no cart id: the contact's latest cart. */
export async function latestCartForContact(
  db: D1Database,
  storeId: string,
  contact: { email?: string | null; phone?: string | null },
  since: number,
): Promise<string | null> {
  const keys: [string, string][] = []
  if (contact.email) keys.push(['email', contact.email])
  if (contact.phone) keys.push(['phone', contact.phone])
  if (keys.length === 0) return null
  const row = await db
    .prepare(
      `SELECT cart_id FROM contacts WHERE store_id = ? AND last_activity_at >= ?
       AND (${keys.map(() => '(kind = ? AND value = ?)').join(' OR ')})
       ORDER BY last_activity_at DESC LIMIT 1`,
    )
    .bind(storeId, since, ...keys.flat())
    .first<{ cart_id: string }>()
  return row?.cart_id ?? null
}

/** The cart an order id was already matched to, so redeliveries land on the same cart. */
export async function cartForOrder(
  db: D1Database,
  storeId: string,
  orderId: string,
): Promise<string | null> {
  const row = await db
    .prepare('SELECT cart_id FROM orders WHERE store_id = ? AND order_id = ?')
    .bind(storeId, orderId)
    .first<{ cart_id: string | null }>()
  return row?.cart_id ?? null
}
