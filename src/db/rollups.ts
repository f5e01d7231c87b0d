// Reads of `cart_days`, the per-day rollups that triggers on `carts` keep (migrations 0011 and
// 0016). They answer whole-UTC-day ranges (every dashboard range) by summing a few rows per
// day; a range with a time of day (possible through the API) reads the carts themselves. Each
// function returns the same rows as its carts-reading twin, so one shaping serves both
// (src/db/stats.ts, src/db/overview.ts); src/db/rollups.test.ts proves the twins agree.

import { storeFilter } from './store-filter'

type Row = Record<string, number | string | null>

const DAY = 86_400_000

/** True when `[from, to)` is whole UTC days, which the rollups can answer. */
export const wholeDays = (from: number, to: number) => from % DAY === 0 && to % DAY === 0

/**
 * The stores condition over cart_days: the carts' own for named stores; every store is a plain
 * scan (a small table), not storeFilter's walk over the carts' store ids.
 */
const inStores = (storeIds: string[] | null) =>
  storeIds === null ? { sql: '1 = 1', params: [] as string[] } : storeFilter(storeIds)

/** Which stores (null: all) and which days, as epoch milliseconds (`to` exclusive). */
export type DayQuery = { storeIds: string[] | null; from: number; to: number }

/** The stores condition and its parameters followed by the day range's. */
function dayScope(q: DayQuery) {
  const { sql, params } = inStores(q.storeIds)
  return { sql, range: [...params, q.from / DAY, q.to / DAY] }
}

/** `stats()`'s three result sets from the rollups: by status, abandoned/converted, recovered. */
export async function statsRowsByDay(db: D1Database, q: DayQuery) {
  const { sql, range } = dayScope(q)
  const sum = (kind: string) =>
    `(SELECT COALESCE(SUM(n), 0) FROM cart_days WHERE ${sql} AND kind = '${kind}' AND day >= ? AND day < ?)`
  return db.batch<Row>([
    db
      .prepare(
        `SELECT d1 AS status, SUM(n) AS n FROM cart_days
         WHERE ${sql} AND kind = 'created' AND day >= ? AND day < ? GROUP BY d1`,
      )
      .bind(...range),
    db
      .prepare(`SELECT ${sum('abandoned')} AS abandoned, ${sum('converted')} AS converted`)
      .bind(...range, ...range),
    db
      .prepare(
        `SELECT NULLIF(d1, '') AS channel, NULLIF(d2, '') AS step, d3 AS currency, SUM(n) AS n,
           SUM(value) AS revenue FROM cart_days
         WHERE ${sql} AND kind = 'recovered' AND day >= ? AND day < ?
         GROUP BY d1, d2, d3 HAVING SUM(n) > 0`,
      )
      .bind(...range),
  ])
}

/** `overview()`'s three result sets from the rollups: per day, value at risk, the funnel. */
export async function overviewRowsByDay(db: D1Database, q: DayQuery) {
  const { sql, range } = dayScope(q)
  return db.batch<Row>([
    db
      .prepare(
        `SELECT day, SUM(CASE WHEN kind = 'abandoned' THEN n ELSE 0 END) AS abandoned,
           SUM(CASE WHEN kind = 'recovered' THEN n ELSE 0 END) AS recovered
         FROM cart_days WHERE ${sql} AND kind IN ('abandoned', 'recovered')
           AND day >= ? AND day < ? GROUP BY day`,
      )
      .bind(...range),
    db
      .prepare(
        `SELECT d1 AS currency, SUM(value) AS value, SUM(at_risk) AS n FROM cart_days
         WHERE ${sql} AND kind = 'abandoned' AND day >= ? AND day < ?
         GROUP BY d1 HAVING SUM(at_risk) > 0`,
      )
      .bind(...range),
    db
      .prepare(
        `SELECT SUM(n) AS abandoned, SUM(messaged) AS messaged, SUM(clicked) AS clicked,
           SUM(restored) AS restored, SUM(recovered) AS recovered FROM cart_days
         WHERE ${sql} AND kind = 'abandoned' AND day >= ? AND day < ?`,
      )
      .bind(...range),
  ])
}
