import { iso } from '../lib/time'

/** One person of one store, by a normalised address. */
export type Person = { email: string } | { phone: string }

/** A privacy request handles at most this many carts per call; the caller pages through. */
export const PAGE_CARTS = 50

/**
 * A page of the person's carts as D1 reports them (`carts_store_email` / `carts_store_phone`), by
 * cart id after `after` (exclusive); `more` when carts remain past this page.
 */
export async function personCarts(
  db: D1Database,
  storeId: string,
  person: Person,
  after = '',
): Promise<{ carts: { cartId: string; revision: number; phone: string | null }[]; more: boolean }> {
  const [column, value] = 'email' in person ? ['email', person.email] : ['phone', person.phone]
  const { results } = await db
    .prepare(
      `SELECT cart_id, revision, phone FROM carts WHERE store_id = ? AND ${column} = ?
       AND cart_id > ? ORDER BY cart_id LIMIT ?`,
    )
    .bind(storeId, value, after, PAGE_CARTS + 1)
    .all<{ cart_id: string; revision: number; phone: string | null }>()
  const carts = results
    .slice(0, PAGE_CARTS)
    .map((r) => ({ cartId: r.cart_id, revision: r.revision, phone: r.phone }))
  return { carts, more: results.length > PAGE_CARTS }
}

type MessageRow = {
  cart_id: string
  channel: 'email' | 'sms'
  to: string
  status: string
  subject: string | null
  text: string
  created_at: number
  delivered_at: number | null
  opened_at: number | null
  clicked_at: number | null
}

/** What the store sent to the person about these carts, oldest first; no internal ids. */
export async function personMessages(db: D1Database, storeId: string, cartIds: string[]) {
  if (cartIds.length === 0) return []
  const rows: MessageRow[] = []
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < cartIds.length; i += 90) {
    const part = cartIds.slice(i, i + 90)
    const { results } = await db
      .prepare(
        `SELECT cart_id, channel, "to", status, subject, text, created_at, delivered_at,
           opened_at, clicked_at FROM messages
         WHERE store_id = ? AND cart_id IN (${part.map(() => '?').join(', ')})`,
      )
      .bind(storeId, ...part)
      .all<MessageRow>()
    rows.push(...results)
  }
  return rows
    .sort((a, b) => a.created_at - b.created_at)
    .map((r) => ({
      cartId: r.cart_id,
      channel: r.channel,
      to: r.to,
      subject: r.subject,
      text: r.text,
      status: r.status,
      sentAt: iso(r.created_at),
      deliveredAt: r.delivered_at === null ? null : iso(r.delivered_at),
      openedAt: r.opened_at === null ? null : iso(r.opened_at),
      clickedAt: r.clicked_at === null ? null : iso(r.clicked_at),
    }))
}
