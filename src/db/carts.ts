// Reads of the `carts` reporting rows: the list (filters, search, keyset cursor) that the API,
// the dashboard and the CSV export page through.

import type { CartStatus } from '../domain/cart/types'
import { iso } from '../lib/time'
import type { CartListRow, CartSummary } from '../views/cart'
import { columns } from './columns'
import { storeFilter } from './store-filter'

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
  abandon_due_at: number | null
  restored_at: number | null
  recovered_at: number | null
  recovered_revenue: number
  order_id: string | null
  channels: number
  step_id: string | null
  steps_done: number
  steps_total: number
  experiment_arm: 'holdout' | 'messaged' | null
  experiment_period: string | null
}

const CART_COLUMNS = columns<CartRow>({
  store_id: true,
  cart_id: true,
  status: true,
  currency: true,
  total: true,
  item_count: true,
  email: true,
  phone: true,
  created_at: true,
  updated_at: true,
  last_activity_at: true,
  abandoned_at: true,
  abandon_due_at: true,
  restored_at: true,
  recovered_at: true,
  recovered_revenue: true,
  order_id: true,
  channels: true,
  step_id: true,
  steps_done: true,
  steps_total: true,
  experiment_arm: true,
  experiment_period: true,
})

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
    experimentArm: r.experiment_arm,
    experimentPeriod: r.experiment_period,
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
  if (r.abandon_due_at !== null) s.abandonDueAt = iso(r.abandon_due_at)
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
      `SELECT ${CART_COLUMNS} FROM carts ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
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
