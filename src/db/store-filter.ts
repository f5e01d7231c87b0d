/**
 * Every store id in `carts`, one index seek per store (a loose index scan): `MIN(store_id)`, then
 * the next id after each. Spelling "every store" as `store_id IN (…)` lets the indexes that begin
 * with store_id serve it by seeking each store's range. `1 = 1` needs SQLite's skip-scan for
 * that, which only runs with planner statistics (sqlite_stat1), and a D1 database has those only
 * after someone runs ANALYZE or `PRAGMA optimize` (docs/design/dashboard-speed.md).
 */
const EVERY_STORE = `store_id IN (WITH RECURSIVE s(id) AS (
  SELECT MIN(store_id) FROM carts
  UNION ALL SELECT (SELECT MIN(store_id) FROM carts WHERE store_id > s.id) FROM s WHERE s.id IS NOT NULL
) SELECT id FROM s)`

/**
 * The `store_id` condition of a query over carts: the stores named, or every store (null), with
 * the values to bind. No stores at all matches nothing.
 */
export function storeFilter(storeIds: string[] | null): { sql: string; params: string[] } {
  if (storeIds === null) return { sql: EVERY_STORE, params: [] }
  if (storeIds.length === 0) return { sql: "store_id IN ('')", params: [] }
  return { sql: `store_id IN (${storeIds.map(() => '?').join(', ')})`, params: storeIds }
}
