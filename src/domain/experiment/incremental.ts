/**
 * The incremental figures of a holdout period (issue 15): each arm's carts, recoveries and
 * revenue, the lift in the recovery rate with Newcombe's interval, the incremental revenue with
 * its interval, and how many more carts it would take to tell. Bounds are null while there is
 * too little data (`stats.ts` says when).
 */
import { type ArmCounts, cartsNeeded, meanDifference, newcombe } from './stats'

type Bounds = { estimate: number | null; low: number | null; high: number | null }

/** `GET /api/v1/stats`' `incremental`. */
export type Incremental = {
  period: string
  holdout: { carts: number; recovered: number; revenue: number }
  messaged: { carts: number; recovered: number; revenue: number }
  /** Messaged recovery rate minus the holdout's, with its 95 % interval. */
  lift: Bounds
  /** Revenue the messages caused over the messaged carts, in minor units of `currency`. */
  revenue: Bounds & { currency: string }
  /** More carts (both arms) before the observed lift could be told from none; 0: already. */
  moreCartsNeeded: number | null
}

const NONE: Bounds = { estimate: null, low: null, high: null }
const arm = (a: ArmCounts) => ({ carts: a.carts, recovered: a.recovered, revenue: a.revenue })

/**
 * The figures for one period from its arms' counts.
 *
 * @example incrementalOf({ period: 'per_1', holdout, messaged, currency: 'USD' }).lift.estimate
 */
export function incrementalOf(input: {
  period: string
  holdout: ArmCounts
  messaged: ArmCounts
  currency: string
}): Incremental {
  const { holdout: h, messaged: m } = input
  const d = newcombe(m.recovered, m.carts, h.recovered, h.carts)
  const lift: Bounds = d ? { estimate: d.estimate, low: d.low, high: d.high } : NONE
  const perCart = h.carts > 0 && m.carts > 0 ? m.revenue / m.carts - h.revenue / h.carts : null
  const md = meanDifference(m, h)
  const scale = (x: number) => Math.round(x * m.carts)
  const revenue: Bounds = {
    estimate: perCart === null ? null : scale(perCart),
    low: md ? scale(md.low) : null,
    high: md ? scale(md.high) : null,
  }
  return {
    period: input.period,
    holdout: arm(h),
    messaged: arm(m),
    lift,
    revenue: { ...revenue, currency: input.currency },
    moreCartsNeeded: moreNeeded(d, h, m),
  }
}

/** 0 once the interval excludes no lift; otherwise the carts a test of the observed lift needs. */
function moreNeeded(d: ReturnType<typeof newcombe>, h: ArmCounts, m: ArmCounts): number | null {
  if (!d) return null
  if (d.low > 0 || d.high < 0) return 0
  const total = h.carts + m.carts
  const needed = cartsNeeded({
    baseline: h.recovered / h.carts,
    lift: d.estimate,
    holdoutShare: h.carts / total,
  })
  return needed === null ? null : Math.max(0, Math.ceil(needed - total))
}
