import { iso } from '../lib/time'
import type { MessageView } from '../views/cart'
import { columns } from './columns'

/**
 * The cart id the sequence editor's test sends are filed under: not a valid storefront cart id
 * (it has a colon), so no shopper's cart can ever share it.
 */
export const TEST_SEND_CART = 'test:send'

type MessageRow = {
  id: string
  store_id: string
  cart_id: string
  step_id: string
  channel: 'email' | 'sms'
  to: string
  status: string
  subject: string | null
  preheader: string | null
  text: string
  html: string | null
  provider: string
  provider_id: string | null
  error: string | null
  created_at: number
  updated_at: number
  delivered_at: number | null
  opened_at: number | null
  clicked_at: number | null
}

const MESSAGE_COLUMNS = columns<MessageRow>({
  id: true,
  store_id: true,
  cart_id: true,
  step_id: true,
  channel: true,
  to: true,
  status: true,
  subject: true,
  preheader: true,
  text: true,
  html: true,
  provider: true,
  provider_id: true,
  error: true,
  created_at: true,
  updated_at: true,
  delivered_at: true,
  opened_at: true,
  clicked_at: true,
})

function toMessage(r: MessageRow): MessageView {
  const m: MessageView = {
    id: r.id,
    storeId: r.store_id,
    cartId: r.cart_id,
    step: r.step_id,
    channel: r.channel,
    to: r.to,
    status: r.status,
    text: r.text,
    provider: r.provider,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  }
  if (r.subject !== null) m.subject = r.subject
  if (r.preheader !== null) m.preheader = r.preheader
  if (r.html !== null) m.html = r.html
  if (r.provider_id !== null) m.providerId = r.provider_id
  if (r.error !== null) m.error = r.error
  if (r.delivered_at !== null) m.deliveredAt = iso(r.delivered_at)
  if (r.opened_at !== null) m.openedAt = iso(r.opened_at)
  if (r.clicked_at !== null) m.clickedAt = iso(r.clicked_at)
  return m
}

/** Messages newest first, filtered by store, cart, channel or provider. */
export async function listMessages(
  db: D1Database,
  f: {
    storeIds: string[] | null
    cartId?: string
    channel?: string
    provider?: string
    /** Older than this message (keyset on created_at, id), for the next page. */
    before?: { createdAt: number; id: string }
    limit: number
  },
): Promise<MessageView[]> {
  const where: string[] = []
  const params: (string | number)[] = []
  if (f.storeIds) {
    if (f.storeIds.length === 0) return []
    where.push(`store_id IN (${f.storeIds.map(() => '?').join(', ')})`)
    params.push(...f.storeIds)
  }
  for (const [column, value] of [
    ['cart_id', f.cartId],
    ['channel', f.channel],
    ['provider', f.provider],
  ] as const) {
    if (value === undefined) continue
    where.push(`${column} = ?`)
    params.push(value)
  }
  if (f.before) {
    where.push('(created_at, id) < (?, ?)')
    params.push(f.before.createdAt, f.before.id)
  }
  const { results } = await db
    .prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM messages ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    )
    .bind(...params, f.limit)
    .all<MessageRow>()
  return results.map(toMessage)
}
