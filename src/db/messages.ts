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
  variant: string | null
  experiment: string | null
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
  variant: true,
  experiment: true,
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
  if (r.variant !== null) m.variant = r.variant
  if (r.experiment !== null) m.experiment = r.experiment
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

/** Where a sent message went, if the store still has it (an unsubscribe link names its message). */
export async function messageRecipient(
  db: D1Database,
  m: { id: string; storeId: string; cartId: string },
): Promise<{ channel: 'email' | 'sms'; address: string } | null> {
  const row = await db
    .prepare('SELECT channel, "to" FROM messages WHERE id = ? AND store_id = ? AND cart_id = ?')
    .bind(m.id, m.storeId, m.cartId)
    .first<{ channel: 'email' | 'sms'; to: string }>()
  return row ? { channel: row.channel, address: row.to } : null
}

/** A dev-outbox email's HTML, for its sandboxed frame; null when there is no such email. */
export async function outboxEmailHtml(db: D1Database, id: string): Promise<string | null> {
  const row = await db
    .prepare("SELECT html FROM messages WHERE id = ? AND provider = 'outbox' AND channel = 'email'")
    .bind(id)
    .first<{ html: string | null }>()
  return row?.html ?? null
}

/** Stamps a message clicked (its link rebuilt the cart); the first click is kept. */
export async function markClicked(db: D1Database, id: string, at: number): Promise<void> {
  await db
    .prepare('UPDATE messages SET clicked_at = COALESCE(clicked_at, ?) WHERE id = ?')
    .bind(at, id)
    .run()
}

// Later statuses never give way to earlier ones that arrive late. Our own `unknown` (a text
// Twilio may have taken: we never got its answer) ranks below all of them (ELSE -1).
const TWILIO_RANK = {
  accepted: 0,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
} as const

export type TwilioStatus = keyof typeof TWILIO_RANK

const TWILIO_RANK_SQL = `CASE status ${Object.entries(TWILIO_RANK)
  .map(([name, rank]) => `WHEN '${name}' THEN ${rank}`)
  .join(' ')} ELSE -1 END`

/**
 * Settles a text's status from Twilio's callback in one guarded UPDATE. The row is found by its
 * SID, or by our id when we never learnt the SID (an unknown outcome), which it then fills in;
 * an error code replaces `outcome_unknown`. True when a row changed.
 */
export async function settleTwilioStatus(
  db: D1Database,
  u: {
    storeId: string
    sid: string
    /** Our message id from the callback URL, if it carried one. */
    messageId: string | null
    status: TwilioStatus
    error: string | null
    at: number
  },
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE messages SET status = ?1, updated_at = ?3, provider_id = COALESCE(provider_id, ?5),
         error = CASE WHEN ?2 IS NOT NULL THEN ?2 WHEN error = 'outcome_unknown' THEN NULL ELSE error END
       WHERE store_id = ?4 AND provider = 'twilio'
         AND (provider_id = ?5 OR (id = ?7 AND provider_id IS NULL))
         AND (${TWILIO_RANK_SQL}) <= ?6`,
    )
    .bind(u.status, u.error, u.at, u.storeId, u.sid, TWILIO_RANK[u.status], u.messageId)
    .run()
  return result.meta.changes > 0
}

/** The message Resend knows by this email id; null when it is not ours or was erased. */
export async function resendMessage(
  db: D1Database,
  emailId: string,
): Promise<{
  id: string
  storeId: string
  cartId: string
  step: string
  to: string
  status: string
} | null> {
  const row = await db
    .prepare(
      'SELECT id, store_id, cart_id, step_id, "to", status FROM messages WHERE provider = \'resend\' AND provider_id = ?',
    )
    .bind(emailId)
    .first<{
      id: string
      store_id: string
      cart_id: string
      step_id: string
      to: string
      status: string
    }>()
  if (!row) return null
  return {
    id: row.id,
    storeId: row.store_id,
    cartId: row.cart_id,
    step: row.step_id,
    to: row.to,
    status: row.status,
  }
}

/**
 * Records a delivery event on a message: its status (null leaves the status as it is, for an
 * event that arrived after a later one) and, for a first delivery or open, when it happened.
 */
export async function recordMessageEvent(
  db: D1Database,
  e: {
    id: string
    status: string | null
    stamp?: 'delivered_at' | 'opened_at'
    at: number
    now: number
  },
): Promise<void> {
  await db
    .prepare(
      `UPDATE messages SET ${e.status !== null ? 'status = ?1,' : ''} updated_at = ?2
         ${e.stamp ? `, ${e.stamp} = COALESCE(${e.stamp}, ?3)` : ''}
       WHERE id = ?4`,
    )
    .bind(e.status, e.now, e.at, e.id)
    .run()
}
