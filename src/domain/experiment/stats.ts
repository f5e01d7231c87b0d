/**
 * The statistics of a holdout experiment (issue 15), as pure functions of counts and sums, so
 * that they can be computed from rollups: recovery rates with Wilson score intervals, their
 * difference with Newcombe's hybrid score interval, revenue per cart with a normal interval,
 * and the carts needed to detect a lift. Every interval is two-sided at 95 % unless a `z` says
 * otherwise. docs/design/incrementality.md explains the choices.
 */

/** The 97.5th percentile of the standard normal: a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054
/** The 80th percentile of the standard normal: 80 % power. */
export const Z_POWER_80 = 0.8416212335729143

/** An estimate and its interval. */
export type Interval = { estimate: number; low: number; high: number }

/** One arm's carts: how many, how many recovered, and the revenue per cart summed and squared. */
export type ArmCounts = {
  carts: number
  recovered: number
  /** Sum over the arm's carts of the revenue each brought (0 for a cart not recovered). */
  revenue: number
  /** Sum over the arm's carts of that revenue squared (for the variance). */
  revenueSquares: number
}

/**
 * Wilson's score interval for `x` successes in `n` trials (Newcombe 1998, "Two-sided confidence
 * intervals for the single proportion", method 3). It stays inside [0, 1] and behaves at 0 and
 * `n`, where the Wald interval collapses. Null for no trials.
 *
 * @example wilson(81, 263) // { estimate: 0.308, low: 0.2553, high: 0.3662 }
 */
export function wilson(x: number, n: number, z = Z_95): Interval | null {
  // Counts out of step (a rollup behind another) give no interval rather than NaN.
  if (!Number.isInteger(x) || !Number.isInteger(n) || n <= 0 || x < 0 || x > n) return null
  const p = x / n
  const z2 = z * z
  const denom = 1 + z2 / n
  const centre = (p + z2 / (2 * n)) / denom
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) }
}

/**
 * The difference of two independent proportions, `x1/n1 − x2/n2`, with Newcombe's hybrid score
 * interval (Newcombe 1998, "Interval estimation for the difference between independent
 * proportions", method 10): each proportion's Wilson interval, combined by squaring and adding.
 * Null while either arm has no trials.
 *
 * @example newcombe(56, 70, 48, 80) // { estimate: 0.2, low: 0.0524, high: 0.3339 }
 */
export function newcombe(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  z = Z_95,
): Interval | null {
  const a = wilson(x1, n1, z)
  const b = wilson(x2, n2, z)
  if (!a || !b) return null
  const d = a.estimate - b.estimate
  return {
    estimate: d,
    low: d - Math.sqrt((a.estimate - a.low) ** 2 + (b.high - b.estimate) ** 2),
    high: d + Math.sqrt((a.high - a.estimate) ** 2 + (b.estimate - b.low) ** 2),
  }
}

/**
 * Recovered carts an arm needs before its revenue's spread is taken as known: with fewer, one
 * order more or less moves the mean by more than the interval would say (and with none, the
 * arm's variance is 0, which would claim a certainty the data does not have).
 */
export const MIN_RECOVERED_FOR_REVENUE = 10

/** An arm's mean revenue per cart and its sample variance; null with too little data. */
function meanAndVariance(arm: ArmCounts): { mean: number; variance: number } | null {
  if (arm.carts < 2 || arm.recovered < MIN_RECOVERED_FOR_REVENUE) return null
  const mean = arm.revenue / arm.carts
  // Doubles: a sum of squares of minor units passes 2^53 (exact integers) at about 9,000 orders
  // of $10,000, past which it rounds, harmlessly at this precision (its rollup must not be a
  // SQLite INTEGER sum, which throws on overflow). The max() guards rounding on a constant arm.
  const variance = Math.max(0, (arm.revenueSquares - arm.revenue * mean) / (arm.carts - 1))
  if (!Number.isFinite(variance) || variance === 0) return null
  return { mean, variance }
}

/**
 * The difference in mean revenue per cart between two arms (`a − b`), with the normal
 * interval of unpooled variances (Welch's standard error with a normal quantile, the delta
 * method for a difference of two means). Revenue per cart is mostly zeros and a long tail, so
 * the interval is only as good as the central limit theorem at the arms' sizes: see
 * docs/design/incrementality.md. Null while either arm has too little data: fewer than
 * `MIN_RECOVERED_FOR_REVENUE` recovered carts, or no spread at all.
 */
export function meanDifference(a: ArmCounts, b: ArmCounts, z = Z_95): Interval | null {
  const ma = meanAndVariance(a)
  const mb = meanAndVariance(b)
  if (!ma || !mb) return null
  const d = ma.mean - mb.mean
  const se = Math.sqrt(ma.variance / a.carts + mb.variance / b.carts)
  return { estimate: d, low: d - z * se, high: d + z * se }
}

/**
 * Carts needed, in both arms together, to detect an absolute lift in the recovery rate from
 * `baseline` (the holdout's rate) to `baseline + lift`, with a two-sided test at the level `z`
 * gives and power `zPower`, when `holdoutShare` of carts are held out. The normal
 * approximation without continuity correction (Fleiss), with the null's pooled variance; at an
 * even split it is R's `power.prop.test`. Null when no such test can exist (a rate that is not
 * one, such as an empty holdout's; a lift of 0 or past 0–1; a share of 0 or 1) or the answer
 * is not a number of carts.
 *
 * @example cartsNeeded({ baseline: 0.5, lift: 0.25, holdoutShare: 0.5, zPower: 1.2816 }) // ≈ 153.4
 */
export function cartsNeeded(input: {
  baseline: number
  lift: number
  holdoutShare: number
  z?: number
  zPower?: number
}): number | null {
  const { baseline: p0, lift, holdoutShare: h, z = Z_95, zPower = Z_POWER_80 } = input
  const p1 = p0 + lift
  const rate = (p: number) => Number.isFinite(p) && p >= 0 && p <= 1
  // An empty holdout's rate (0/0) is NaN: no answer, rather than NaN on a dashboard.
  if (!rate(p0) || !rate(p1) || lift === 0 || !(h > 0 && h < 1)) return null
  // Per messaged cart there are k held-out ones.
  const k = h / (1 - h)
  const pBar = (p1 + k * p0) / (1 + k)
  const underNull = z * Math.sqrt(pBar * (1 - pBar) * (1 + 1 / k))
  const underLift = zPower * Math.sqrt(p1 * (1 - p1) + (p0 * (1 - p0)) / k)
  const messaged = (underNull + underLift) ** 2 / lift ** 2
  const total = messaged * (1 + k)
  return Number.isFinite(total) ? total : null
}
