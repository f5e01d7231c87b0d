import { describe, expect, it } from 'vitest'
import { newcombe, wilson } from './stats'
import { type VariantCounts, variantFiguresOf } from './variant-figures'

/** A variant given to `carts` carts (all but one sent it), `recovered` for `each` apiece. */
const v = (variant: string, carts: number, recovered: number, each = 5000): VariantCounts => ({
  variant,
  assigned: carts,
  sends: Math.max(0, carts - 1),
  delivered: Math.max(0, carts - 3),
  clicked: Math.floor(carts / 10),
  recovered,
  revenue: recovered * each,
  revenueSquares: recovered * each * each,
})

describe('variantFiguresOf', () => {
  it("gives each variant's counts and its recovery rate per cart given it, with Wilson's interval", () => {
    const [a, b] = variantFiguresOf([v('a', 263, 81), v('b', 300, 60)], 'USD')
    expect(a).toMatchObject({
      variant: 'a',
      assigned: 263,
      sends: 262,
      delivered: 260,
      clicked: 26,
      recovered: 81,
    })
    // Newcombe 1998a's worked example: 81 of 263, 0.2553–0.3662.
    expect(a?.recoveryRate.low).toBeCloseTo(0.2553, 4)
    expect(a?.recoveryRate.high).toBeCloseTo(0.3662, 4)
    expect(a?.vsFirst).toBeNull()
    expect(b?.recoveryRate).toEqual(wilson(60, 300))
  })

  it("compares each other variant with the first: the lift with Newcombe's interval", () => {
    const [, b, c] = variantFiguresOf(
      [v('a', 1000, 100), v('b', 1000, 150), v('c', 1000, 101)],
      'USD',
    )
    expect(b?.vsFirst?.lift).toEqual(newcombe(150, 1000, 100, 1000))
    // Told apart already: nothing more needed.
    expect(b?.vsFirst?.lift.low ?? 0).toBeGreaterThan(0)
    expect(b?.vsFirst?.moreCartsNeeded).toBe(0)
    // A tenth of a point: far more carts needed before it could be told from none.
    expect(c?.vsFirst?.moreCartsNeeded ?? 0).toBeGreaterThan(100_000)
  })

  it('gives the revenue per cart difference once each variant has ten recoveries', () => {
    const [, b] = variantFiguresOf([v('a', 400, 40, 4000), v('b', 400, 60, 6000)], 'USD')
    const r = b?.vsFirst?.revenuePerCart
    // 60 × $60 − 40 × $40 over 400 carts each: $5.00 more per cart.
    expect(r?.estimate).toBe(500)
    expect(r?.low ?? 500).toBeLessThan(500)
    expect(r?.high ?? 500).toBeGreaterThan(500)
    const [, few] = variantFiguresOf([v('a', 40, 4), v('b', 40, 9)], 'USD')
    expect(few?.vsFirst?.revenuePerCart).toEqual({ estimate: 625, low: null, high: null })
  })

  it('has no rate for a variant given to no cart yet', () => {
    const [, b] = variantFiguresOf([v('a', 10, 1), { ...v('b', 0, 0), delivered: 0 }], 'USD')
    expect(b?.recoveryRate).toEqual({ estimate: null, low: null, high: null })
    expect(b?.vsFirst?.lift).toEqual({ estimate: null, low: null, high: null })
    expect(b?.vsFirst?.moreCartsNeeded).toBeNull()
  })
})
