import { CART_STATUSES } from '../domain/cart/schema'
import type { Recovered, Stats } from '../views/cart'
import { type DayQuery, statsRowsByDay, wholeDays } from './rollups'
import { storeFilter } from './store-filter'

/** `stats()`'s rows read from the carts themselves: any range, to the millisecond. */
export async function statsRowsByCart(db: D1Database, q: DayQuery) {
  const { storeIds, from, to } = q
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
export async function stats(db: D1Database, q: DayQuery): Promise<Stats> {
  const { storeIds, from, to } = q
  const [byStatus, counts, recovered] = wholeDays(from, to)
    ? await statsRowsByDay(db, q)
    : await statsRowsByCart(db, q)
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
