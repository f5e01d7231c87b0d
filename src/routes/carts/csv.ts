import { type CartFilter, listCarts } from '../../db/carts'
import { csvLine } from '../../lib/csv'
import { utf8 } from '../../lib/encoding'
import { currencyExponent } from '../../lib/money'
import type { CartListRow } from '../../views/cart'

/** Rows per D1 read: 500 reads (D1's per-invocation query limit is 1,000) reach 1M carts. */
const PAGE = 2000

const COLUMNS = [
  'store_id',
  'cart_id',
  'status',
  'currency',
  'total',
  'items',
  'email',
  'phone',
  'created_at',
  'updated_at',
  'abandoned_at',
  'restored_at',
  'recovered_at',
  'recovered_revenue',
  'order_id',
  'last_step',
  'steps_done',
  'steps_total',
  'channels',
  'experiment_arm',
  'experiment_period',
] as const

/** Minor units as a plain decimal in the currency's own exponent (2400 USD → "24.00"). */
export function decimal(minor: number, currency: string) {
  const exp = currencyExponent(currency)
  const sign = minor < 0 ? '-' : ''
  const digits = String(Math.abs(minor)).padStart(exp + 1, '0')
  return exp === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exp)}.${digits.slice(-exp)}`
}

const line = (r: CartListRow) =>
  csvLine([
    r.storeId,
    r.cartId,
    r.status,
    r.currency,
    decimal(r.total, r.currency),
    r.itemCount,
    r.email,
    r.phone,
    r.createdAt,
    r.updatedAt,
    r.abandonedAt,
    r.restoredAt,
    r.recoveredAt,
    r.recoveredRevenue === undefined ? '' : decimal(r.recoveredRevenue, r.currency),
    r.orderId,
    r.stepId,
    r.stepsDone,
    r.stepsTotal,
    r.channels.join(' '),
    r.experimentArm,
    r.experimentPeriod,
  ])

/**
 * Every cart matching `filter` as CSV, streamed page by page as the client reads (a pull
 * stream: a slow download holds no more than one page in memory).
 */
export function cartsCsv(db: D1Database, filter: Omit<CartFilter, 'cursor' | 'limit'>) {
  return csvStream<NonNullable<CartFilter['cursor']>>(COLUMNS, async (cursor) => {
    const page = await listCarts(db, { ...filter, ...(cursor ? { cursor } : {}), limit: PAGE })
    return { text: page.carts.map(line).join(''), next: page.next ?? null }
  })
}

/**
 * A CSV download read page by page as the client pulls (a slow download holds one page in
 * memory): the header, then each page `page` gives from the cursor the last one returned,
 * until it returns no next cursor.
 */
export function csvStream<C>(
  columns: readonly string[],
  page: (cursor: C | null) => Promise<{ text: string; next: C | null }>,
) {
  let cursor: C | null = null
  let started = false
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true
        controller.enqueue(utf8.encode(csvLine(columns)))
        return
      }
      const p = await page(cursor)
      if (p.text.length > 0) controller.enqueue(utf8.encode(p.text))
      if (p.next) cursor = p.next
      else controller.close()
    },
  })
}

/** The response headers of a CSV download named `name`. */
export const csvHeaders = (name: string) => ({
  'Content-Type': 'text/csv; charset=utf-8',
  'Content-Disposition': `attachment; filename="${name}"`,
  'Cache-Control': 'no-store',
})
