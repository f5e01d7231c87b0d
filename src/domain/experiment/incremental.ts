/**
 * The incremental figures of a holdout period (issue 15): each arm's carts, recoveries and
 * revenue, the lift in the recovery rate with Newcombe's interval, the orders and revenue the
 * messages caused with their intervals, the same per channel the carts could be reached on,
 * and how many more carts it would take to tell. Bounds are null while there is too little data
 * (`stats.ts` says when).
 */
import { type ArmCounts, cartsNeeded, type Interval, meanDifference, newcombe } from './stats'

export type Bounds = { estimate: number | null; low: number | null; high: number | null }

/** What the messages caused among some carts of a period: the rate's lift, orders, revenue. */
export type Effect = {
  holdout: { carts: number; recovered: number; revenue: number }
  messaged: { carts: number; recovered: number; revenue: number }
  /** Messaged recovery rate minus the holdout's, with its 95 % interval. */
  lift: Bounds
  /** Orders the messages caused among the messaged carts: the lift times their number. */
  orders: Bounds
  /** Revenue the messages caused over the messaged carts, in minor units of `currency`. */
  revenue: Bounds & { currency: string }
}

/** `GET /api/v1/stats`' `incremental`. */
export type Incremental = Effect & {
  period: string
  /** More carts (both arms) before the observed lift could be told from none; 0: already. */
  moreCartsNeeded: number | null
  /**
   * The same figures among the carts that had an email, and those that had a phone, when they
   * were abandoned: both arms alike, so each is still a randomized comparison.
   */
  byChannel: { email: Effect; sms: Effect }
}

/** Each arm's counts among the carts reachable on a channel. */
export type ArmPair = { holdout: ArmCounts; messaged: ArmCounts }

const NONE: Bounds = { estimate: null, low: null, high: null }
const arm = (a: ArmCounts) => ({ carts: a.carts, recovered: a.recovered, revenue: a.revenue })
const bounds = (i: Interval | null, scale: (x: number) => number = (x) => x): Bounds =>
  i ? { estimate: scale(i.estimate), low: scale(i.low), high: scale(i.high) } : NONE

/**
 * What the messages caused among the carts of two arms: the lift with Newcombe's interval;
 * orders, the lift (and its bounds) times the messaged carts; revenue, the difference in mean
 * revenue per cart times the messaged carts, bounded by the delta method (`meanDifference`).
 */
export function effectOf(h: ArmCounts, m: ArmCounts, currency: string): Effect {
  const d = newcombe(m.recovered, m.carts, h.recovered, h.carts)
  const scale = (x: number) => Math.round(x * m.carts)
  const perCart = h.carts > 0 && m.carts > 0 ? m.revenue / m.carts - h.revenue / h.carts : null
  const md = meanDifference(m, h)
  return {
    holdout: arm(h),
    messaged: arm(m),
    lift: bounds(d),
    orders: bounds(d, scale),
    revenue: {
      estimate: perCart === null ? null : scale(perCart),
      low: md ? scale(md.low) : null,
      high: md ? scale(md.high) : null,
      currency,
    },
  }
}

/**
 * The figures for one period from its arms' counts, overall and per channel.
 *
 * @example incrementalOf({ period: 'per_1', holdout, messaged, byChannel, currency: 'USD' }).lift.estimate
 */
export function incrementalOf(input: {
  period: string
  holdout: ArmCounts
  messaged: ArmCounts
  byChannel: { email: ArmPair; sms: ArmPair }
  currency: string
}): Incremental {
  const { holdout: h, messaged: m, currency, byChannel } = input
  return {
    period: input.period,
    ...effectOf(h, m, currency),
    moreCartsNeeded: moreNeeded(newcombe(m.recovered, m.carts, h.recovered, h.carts), h, m),
    byChannel: {
      email: effectOf(byChannel.email.holdout, byChannel.email.messaged, currency),
      sms: effectOf(byChannel.sms.holdout, byChannel.sms.messaged, currency),
    },
  }
}

/**
 * 0 once the interval `d` of a difference excludes none; otherwise how many more carts (or
 * sends), both groups together, a test of the observed difference needs, at the groups'
 * observed split, `h` being the baseline group. Null without a difference to test.
 */
export function moreNeeded(d: Interval | null, h: ArmCounts, m: ArmCounts): number | null {
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
