import { CART_STATUSES } from '../domain/cart/schema'
import type { CartStatus } from '../domain/cart/types'
import { iso } from '../lib/time'
import type { CartListRow, CartSummary, MessageView, Recovered, Stats } from '../views/cart'
import { statsRowsByDay, wholeDays } from './rollups'
import { storeFilter } from './store-filter'

export type { CartListRow, CartSummary, MessageView, Stats }

type CartRow = {
  store_id: string
  cart_id: string
  status: CartStatus
  currency: string
  total: number
  item_count: number
  email: string | null
  phone: string | null
  created_at: number
  updated_at: number
  last_activity_at: number
  abandoned_at: number | null
  restored_at: number | null
  recovered_at: number | null
  recovered_revenue: number
  order_id: string | null
  channels: number
  step_id: string | null
  steps_done: number
  steps_total: number
}

function toListRow(r: CartRow): CartListRow {
  const channels: ('email' | 'sms')[] = []
  if (r.channels & 1) channels.push('email')
  if (r.channels & 2) channels.push('sms')
  return {
    ...toSummary(r),
    email: r.email,
    phone: r.phone,
    channels,
    stepId: r.step_id,
    stepsDone: r.steps_done,
    stepsTotal: r.steps_total,
  }
}

function toSummary(r: CartRow): CartSummary {
  const s: CartSummary = {
    storeId: r.store_id,
    cartId: r.cart_id,
    status: r.status,
    currency: r.currency,
    total: r.total,
    itemCount: r.item_count,
    hasEmail: r.email !== null,
    hasPhone: r.phone !== null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    lastActivityAt: iso(r.last_activity_at),
  }
  if (r.abandoned_at !== null) s.abandonedAt = iso(r.abandoned_at)
  if (r.restored_at !== null) s.restoredAt = iso(r.restored_at)
  if (r.recovered_at !== null) {
    s.recoveredAt = iso(r.recovered_at)
    s.recoveredRevenue = r.recovered_revenue
  }
  if (r.order_id !== null) s.orderId = r.order_id
  return s
}

export type CartCursor = { updatedAt: number; storeId: string; cartId: string }

export type CartFilter = {
  /** The stores to read; null for every store (only for callers that may see all of them). */
  storeIds: string[] | null
  status?: CartStatus
  /** Last updated in [from, to), epoch ms. */
  from?: number
  to?: number
  /** Carts that were sent a message on this channel. */
  channel?: 'email' | 'sms'
  /** Carts with (true) or without (false) an email or phone. */
  hasContact?: boolean
  /** Already normalised by the route: an email, an E.164 phone, or an order or cart id. */
  search?: { email?: string; phone?: string; id?: string }
  cursor?: CartCursor
  limit: number
}

/**
 * Carts newest first, keyset-paginated on (updated_at, store_id, cart_id) so a page costs the
 * same at any depth. Returns one page and the cursor of the next, if any.
 */
export async function listCarts(db: D1Database, f: CartFilter) {
  if (f.storeIds?.length === 0) return { carts: [], next: null }
  const where: string[] = []
  const params: (string | number)[] = []
  const search = f.search
  const stores = storeFilter(f.storeIds)
  const id = search?.email || search?.phone ? undefined : search?.id
  if (id) {
    // An order id or a cart id, each found through its own index (store_id, order_id) or the
    // primary key. Written as an OR, the planner would only use them with statistics.
    where.push(
      `rowid IN (SELECT rowid FROM carts WHERE ${stores.sql} AND order_id = ?
        UNION ALL SELECT rowid FROM carts WHERE ${stores.sql} AND cart_id = ?)`,
    )
    params.push(...stores.params, id, ...stores.params, id)
  } else if (f.storeIds || search) {
    // Every store, when searching: the search indexes begin with store_id. Otherwise no store
    // condition, and the list reads carts_updated or carts_status_updated in order.
    where.push(stores.sql)
    params.push(...stores.params)
  }
  if (f.status) {
    where.push('status = ?')
    params.push(f.status)
  }
  if (f.from !== undefined) {
    where.push('updated_at >= ?')
    params.push(f.from)
  }
  if (f.to !== undefined) {
    where.push('updated_at < ?')
    params.push(f.to)
  }
  if (f.channel) where.push(`(channels & ${f.channel === 'email' ? 1 : 2}) != 0`)
  // As one expression, not `email IS NULL AND phone IS NULL`: a plain IS NULL term would let the
  // planner pick the email index (every cart without one) and sort them all.
  if (f.hasContact !== undefined) {
    where.push(`COALESCE(email, phone) IS ${f.hasContact ? 'NOT NULL' : 'NULL'}`)
  }
  if (search?.email) {
    where.push('email = ?')
    params.push(search.email)
  } else if (search?.phone) {
    where.push('phone = ?')
    params.push(search.phone)
  }
  if (f.cursor) {
    where.push('(updated_at, store_id, cart_id) < (?, ?, ?)')
    params.push(f.cursor.updatedAt, f.cursor.storeId, f.cursor.cartId)
  }
  // A search matches a handful of carts: sort those. The unary + keeps the planner from walking
  // a whole store in list order instead, hoping to meet them early, which it does when D1 has
  // no statistics telling it how big a store is.
  const order = search ? '+updated_at DESC' : 'updated_at DESC'
  const { results } = await db
    .prepare(
      `SELECT * FROM carts ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${order}, store_id DESC, cart_id DESC LIMIT ?`,
    )
    .bind(...params, f.limit + 1)
    .all<CartRow>()
  const page = results.slice(0, f.limit)
  const last = page.at(-1)
  const next: CartCursor | null =
    results.length > f.limit && last
      ? { updatedAt: last.updated_at, storeId: last.store_id, cartId: last.cart_id }
      : null
  return { carts: page.map(toListRow), next }
}

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

/** `stats()`'s rows read from the carts themselves: any range, to the millisecond. */
export async function statsRowsByCart(
  db: D1Database,
  storeIds: string[] | null,
  from: number,
  to: number,
) {
  const stores = storeFilter(storeIds)
  const ids = stores.params
  const inStores = stores.sql
  return db.batch<Record<string, number | string | null>>([
    // One counted range per status (statuses are a closed set), not one GROUP BY over every
    // cart in the range: counting an index range reads no row and needs no sort.
    db
      .prepare(
        `WITH statuses(status) AS (VALUES ${CART_STATUSES.map(() => '(?)').join(', ')})
         SELECT status, (SELECT COUNT(*) FROM carts c WHERE ${inStores}
           AND c.status = statuses.status AND c.created_at >= ? AND c.created_at < ?) AS n
         FROM statuses`,
      )
      .bind(...CART_STATUSES, ...ids, from, to),
    db
      .prepare(
        `SELECT
           (SELECT COUNT(*) FROM carts WHERE ${inStores} AND abandoned_at >= ? AND abandoned_at < ?) AS abandoned,
           (SELECT COUNT(*) FROM carts WHERE ${inStores} AND converted_at >= ? AND converted_at < ?) AS converted`,
      )
      .bind(...ids, from, to, ...ids, from, to),
    db
      .prepare(
        `SELECT recovered_channel AS channel, recovered_step AS step,
           COALESCE(revenue_currency, currency) AS currency, COUNT(*) AS n,
           SUM(recovered_revenue) AS revenue FROM carts
         WHERE ${inStores} AND recovered_at >= ? AND recovered_at < ?
         GROUP BY recovered_channel, recovered_step, COALESCE(revenue_currency, currency)`,
      )
      .bind(...ids, from, to),
  ])
}

/**
 * Reporting figures for [from, to): carts tracked (created) and their current statuses,
 * carts abandoned, converted and recovered in the range, and recovered revenue per currency,
 * per channel and per step the recovery is credited to.
 */
export async function stats(
  db: D1Database,
  storeIds: string[] | null,
  from: number,
  to: number,
): Promise<Stats> {
  const [byStatus, counts, recovered] = wholeDays(from, to)
    ? await statsRowsByDay(db, storeIds, from, to)
    : await statsRowsByCart(db, storeIds, from, to)
  const statusCounts: Record<string, number> = {}
  let tracked = 0
  for (const r of byStatus?.results ?? []) {
    const n = Number(r.n)
    if (n > 0) statusCounts[String(r.status)] = n
    tracked += n
  }
  const c = counts?.results[0] ?? {}
  const abandoned = Number(c.abandoned ?? 0)
  const converted = Number(c.converted ?? 0)
  const total: Recovered = { count: 0, revenue: {} }
  const byChannel: Record<string, Recovered> = {}
  const byStep: Record<string, Recovered & { channel: string | null }> = {}
  const add = (into: Recovered, n: number, currency: string, revenue: number) => {
    into.count += n
    into.revenue[currency] = (into.revenue[currency] ?? 0) + revenue
  }
  for (const r of recovered?.results ?? []) {
    const n = Number(r.n)
    const currency = String(r.currency)
    const revenue = Number(r.revenue)
    const channel = r.channel === null ? 'none' : String(r.channel)
    add(total, n, currency, revenue)
    byChannel[channel] ??= { count: 0, revenue: {} }
    add(byChannel[channel], n, currency, revenue)
    const step = r.step === null ? 'none' : String(r.step)
    byStep[step] ??= {
      channel: r.channel === null ? null : String(r.channel),
      count: 0,
      revenue: {},
    }
    add(byStep[step], n, currency, revenue)
  }
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    carts: { tracked, abandoned, converted, byStatus: statusCounts },
    abandonmentRate: abandoned + converted > 0 ? abandoned / (abandoned + converted) : null,
    recovered: { ...total, byChannel, byStep },
    recoveryRate: abandoned > 0 ? total.count / abandoned : null,
  }
}

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
      `SELECT * FROM messages ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    )
    .bind(...params, f.limit)
    .all<MessageRow>()
  return results.map(toMessage)
}
