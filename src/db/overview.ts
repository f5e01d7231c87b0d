import type { DayPoint, Funnel } from '../views/overview'
import { type DayQuery, overviewRowsByDay, wholeDays } from './rollups'
import { storeFilter } from './store-filter'

export type { DayPoint, Funnel }

const DAY = 86_400_000

/** `overview()`'s rows read from the carts themselves: any range, to the millisecond. */
export async function overviewRowsByCart(db: D1Database, q: DayQuery) {
  const { storeIds, from, to } = q
  const first = Math.floor(from / DAY)
  const stores = storeFilter(storeIds)
  const ids = stores.params
  const inStores = stores.sql
  return db.batch<Record<string, number | string | null>>([
    // Per UTC day, two counted index ranges (no row read, no sort): carts abandoned that day
    // and carts recovered that day, each clipped to [from, to).
    db
      .prepare(
        `WITH RECURSIVE days(t) AS (
           SELECT ? UNION ALL SELECT t + 1 FROM days WHERE (t + 1) * ${DAY} < ?
         )
         SELECT t AS day,
           (SELECT COUNT(*) FROM carts WHERE ${inStores}
             AND abandoned_at >= MAX(t * ${DAY}, ?) AND abandoned_at < MIN((t + 1) * ${DAY}, ?)) AS abandoned,
           (SELECT COUNT(*) FROM carts WHERE ${inStores}
             AND recovered_at >= MAX(t * ${DAY}, ?) AND recovered_at < MIN((t + 1) * ${DAY}, ?)) AS recovered
         FROM days`,
      )
      .bind(first, to, ...ids, from, to, ...ids, from, to),
    db
      .prepare(
        `SELECT currency, SUM(total) AS value, COUNT(*) AS n FROM carts
         WHERE ${inStores} AND abandoned_at >= ? AND abandoned_at < ?
           AND status IN ('abandoned', 'restored') GROUP BY currency`,
      )
      .bind(...ids, from, to),
    db
      .prepare(
        `SELECT
           COUNT(*) AS abandoned,
           SUM(channels != 0) AS messaged,
           SUM(clicked_at IS NOT NULL) AS clicked,
           SUM(restored_at IS NOT NULL) AS restored,
           SUM(recovered_at IS NOT NULL) AS recovered
         FROM carts WHERE ${inStores} AND abandoned_at >= ? AND abandoned_at < ?`,
      )
      .bind(...ids, from, to),
  ])
}

/**
 * What the overview adds to the stats: abandoned and recovered carts per UTC day, the value still
 * at risk (abandoned or restored, not yet ordered) per currency, and the funnel abandoned →
 * messaged → clicked → restored → recovered, all for carts abandoned in `[from, to)`.
 */
export async function overview(db: D1Database, q: DayQuery) {
  const { storeIds, from, to } = q
  const first = Math.floor(from / DAY)
  const [perDay, risk, funnel] = wholeDays(from, to)
    ? await overviewRowsByDay(db, q)
    : await overviewRowsByCart(db, q)
  const days: DayPoint[] = []
  const index = new Map<number, DayPoint>()
  for (let t = first; t * DAY < to; t++) {
    const point = { day: new Date(t * DAY).toISOString().slice(0, 10), abandoned: 0, recovered: 0 }
    days.push(point)
    index.set(t, point)
  }
  for (const r of perDay?.results ?? []) {
    const p = index.get(Number(r.day))
    if (p) {
      p.abandoned = Number(r.abandoned)
      p.recovered = Number(r.recovered)
    }
  }
  const valueAtRisk: Record<string, number> = {}
  for (const r of risk?.results ?? []) valueAtRisk[String(r.currency)] = Number(r.value)
  const f = funnel?.results[0] ?? {}
  return {
    days,
    valueAtRisk,
    funnel: {
      abandoned: Number(f.abandoned ?? 0),
      messaged: Number(f.messaged ?? 0),
      clicked: Number(f.clicked ?? 0),
      restored: Number(f.restored ?? 0),
      recovered: Number(f.recovered ?? 0),
    } satisfies Funnel,
  }
}
