/**
 * A step experiment's figures (issue 15): per variant, the carts given it (the unit compared:
 * a cart counts from the moment it is given a variant, whether its message then goes out or
 * not, so a later or coupon-bearing variant loses none of its carts), its sends, deliveries,
 * clicks, recoveries and revenue, the recovery rate per cart with Wilson's interval, and
 * against the first variant the difference in rate (Newcombe) and in revenue per cart (delta
 * method), with the carts still needed to tell that difference from none.
 */
import { type Bounds, effectOf, moreNeeded } from './incremental'
import { type ArmCounts, newcombe, wilson } from './stats'

/** One variant's counts, as the `variant_days` rollup sums them. */
export type VariantCounts = {
  variant: string
  /** Carts given the variant (the unit compared), whether or not its message then went out. */
  assigned: number
  sends: number
  delivered: number
  clicked: number
  /** Carts given the variant that were recovered (in that episode). */
  recovered: number
  revenue: number
  revenueSquares: number
}

/** A variant's counts (but the squares) and what they say. */
export type VariantFigures = Omit<VariantCounts, 'revenueSquares'> & {
  /** Recoveries per cart given the variant, with Wilson's 95 % interval. */
  recoveryRate: Bounds
  /** Against the first variant; null for the first itself. */
  vsFirst: {
    /** This variant's recovery rate minus the first's (Newcombe's interval). */
    lift: Bounds
    /** Revenue per cart given it minus the first's, in minor units (null bounds: too few). */
    revenuePerCart: Bounds
    /** More carts (both variants) before the observed difference could be told; 0: already. */
    moreCartsNeeded: number | null
  } | null
}

const asArm = (v: VariantCounts): ArmCounts => ({
  carts: v.assigned,
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
    const { revenueSquares: _, ...counts } = v
    const base = {
      ...counts,
      recoveryRate: wilson(v.recovered, v.assigned) ?? { estimate: null, low: null, high: null },
    }
    if (i === 0 || !first) return { ...base, vsFirst: null }
    const [a, b] = [asArm(first), asArm(v)]
    const e = effectOf(a, b, currency)
    const perCart = (x: number | null) => (x === null || v.assigned === 0 ? null : x / v.assigned)
    return {
      ...base,
      vsFirst: {
        lift: e.lift,
        revenuePerCart: {
          estimate: perCart(e.revenue.estimate),
          low: perCart(e.revenue.low),
          high: perCart(e.revenue.high),
        },
        moreCartsNeeded: moreNeeded(newcombe(b.recovered, b.carts, a.recovered, a.carts), a, b),
      },
    }
  })
}
