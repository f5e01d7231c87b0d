// Which cart a paid order belongs to, for orders that arrive without a cart id.

import { HOLDS } from './projection'

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
      // The cart's own row has its latest activity while it holds the address; the contact
      // row's is as of the takeover.
      `SELECT contacts.cart_id,
         COALESCE(k.last_activity_at, contacts.last_activity_at) AS active_at
       FROM contacts LEFT JOIN carts k ON k.store_id = contacts.store_id
         AND k.cart_id = contacts.cart_id AND ${HOLDS}
       WHERE contacts.store_id = ? AND COALESCE(k.last_activity_at, contacts.last_activity_at) >= ?
       AND (${keys.map(() => '(contacts.kind = ? AND contacts.value = ?)').join(' OR ')})
       ORDER BY active_at DESC LIMIT 1`,
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
