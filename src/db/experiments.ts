import type { ArmCounts } from '../domain/experiment/stats'

/**
 * Each arm's counts for one holdout period of a store, over the carts abandoned in [from, to):
 * carts, recovered carts, and the recovered revenue in the store's currency summed and squared
 * (revenue in another currency is left out of the sums, the cart still counted). The squares are
 * summed with `total()`, a double: an INTEGER sum would throw on overflow.
 *
 * Read from the carts themselves (the store's abandoned-carts index, then each row's arm); the
 * rollups per period and arm that the million-cart target needs are the next step of issue 15.
 */
export async function armCounts(
  db: D1Database,
  q: { storeId: string; period: string; from: number; to: number; currency: string },
): Promise<{ holdout: ArmCounts; messaged: ArmCounts }> {
  const { results } = await db
    .prepare(
      `SELECT experiment_arm AS arm, COUNT(*) AS carts,
         COUNT(recovered_at) AS recovered,
         total(CASE WHEN revenue_currency IS NULL OR revenue_currency = ?5
           THEN recovered_revenue END) AS revenue,
         total(CASE WHEN revenue_currency IS NULL OR revenue_currency = ?5
           THEN recovered_revenue * recovered_revenue END) AS squares
       FROM carts
       WHERE store_id = ?1 AND abandoned_at >= ?3 AND abandoned_at < ?4
         AND experiment_period = ?2
       GROUP BY experiment_arm`,
    )
    .bind(q.storeId, q.period, q.from, q.to, q.currency)
    .all<{ arm: string; carts: number; recovered: number; revenue: number; squares: number }>()
  const of = (arm: string): ArmCounts => {
    const r = results.find((x) => x.arm === arm)
    return {
      carts: r?.carts ?? 0,
      recovered: r?.recovered ?? 0,
      revenue: r?.revenue ?? 0,
      revenueSquares: r?.squares ?? 0,
    }
  }
  return { holdout: of('holdout'), messaged: of('messaged') }
}
