/**
 * A step experiment's figures (issue 15): per variant, its sends, deliveries, clicks,
 * recoveries and revenue, the recovery rate per send with Wilson's interval, and against the
 * first variant the difference in rate (Newcombe) and in revenue per send (delta method), with
 * the sends still needed to tell that difference from none.
 */
import { type Bounds, effectOf, moreNeeded } from './incremental'
import { type ArmCounts, newcombe, wilson } from './stats'

/** One variant's counts, as the `variant_days` rollup sums them. */
export type VariantCounts = {
  variant: string
  sends: number
  delivered: number
  clicked: number
  /** Messages of the variant whose cart was recovered afterwards. */
  recovered: number
  revenue: number
  revenueSquares: number
}

export type VariantFigures = {
  variant: string
  sends: number
  delivered: number
  clicked: number
  recovered: number
  revenue: number
  /** Recoveries per send, with Wilson's 95 % interval. */
  recoveryRate: Bounds
  /** Against the first variant; null for the first itself. */
  vsFirst: {
    /** This variant's recovery rate minus the first's (Newcombe's interval). */
    lift: Bounds
    /** Revenue per send minus the first's, in minor units (null bounds with too little data). */
    revenuePerSend: Bounds
    /** More sends (both variants) before the observed difference could be told; 0: already. */
    moreSendsNeeded: number | null
  } | null
}

const asArm = (v: VariantCounts): ArmCounts => ({
  carts: v.sends,
  recovered: v.recovered,
  revenue: v.revenue,
  revenueSquares: v.revenueSquares,
})

/**
 * Each variant's figures, in the order given, the first being the one the others are compared
 * with (the step's own content).
 *
 * @example variantFiguresOf([a, b], 'USD')[1]?.vsFirst?.lift.estimate
 */
export function variantFiguresOf(variants: VariantCounts[], currency: string): VariantFigures[] {
  const first = variants[0]
  return variants.map((v, i) => {
    const rate = wilson(v.recovered, v.sends)
    const base = {
      variant: v.variant,
      sends: v.sends,
      delivered: v.delivered,
      clicked: v.clicked,
      recovered: v.recovered,
      revenue: v.revenue,
      recoveryRate: rate ?? { estimate: null, low: null, high: null },
    }
    if (i === 0 || !first) return { ...base, vsFirst: null }
    const e = effectOf(asArm(first), asArm(v), currency)
    const perSend = (x: number | null) => (x === null || v.sends === 0 ? null : x / v.sends)
    return {
      ...base,
      vsFirst: {
        lift: e.lift,
        revenuePerSend: {
          estimate: perSend(e.revenue.estimate),
          low: perSend(e.revenue.low),
          high: perSend(e.revenue.high),
        },
        moreSendsNeeded: moreNeeded(
          newcombe(v.recovered, v.sends, first.recovered, first.sends),
          asArm(first),
          asArm(v),
        ),
      },
    }
  })
}
