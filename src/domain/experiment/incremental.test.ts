import { describe, expect, it } from 'vitest'
import { incrementalOf } from './incremental'
import { type ArmCounts, cartsNeeded } from './stats'

/** An arm of `carts` carts, `recovered` of them recovered for `each` minor units apiece. */
const armOf = (carts: number, recovered: number, each: number): ArmCounts => ({
  carts,
  recovered,
  revenue: recovered * each,
  revenueSquares: recovered * each * each,
})

const none = armOf(0, 0, 0)
const NO_CHANNELS = {
  email: { holdout: none, messaged: none },
  sms: { holdout: none, messaged: none },
}

/** A period's figures from its two arms, with no carts reachable per channel. */
const figures = (holdout: ArmCounts, messaged: ArmCounts, currency = 'USD') =>
  incrementalOf({ period: 'per_1', holdout, messaged, byChannel: NO_CHANNELS, currency })

describe('incrementalOf', () => {
  it('gives the lift with its interval and the revenue the messages caused', () => {
    const f = figures(armOf(500, 50, 10_000), armOf(2000, 280, 10_000))
    expect(f.period).toBe('per_1')
    expect(f.holdout).toEqual({ carts: 500, recovered: 50, revenue: 500_000 })
    expect(f.messaged).toEqual({ carts: 2000, recovered: 280, revenue: 2_800_000 })
    expect(f.lift.estimate).toBeCloseTo(0.14 - 0.1, 12)
    expect(f.lift.low!).toBeLessThan(0.04)
    expect(f.lift.high!).toBeGreaterThan(0.04)
    // $1,000 × 2,000 × 4 points: $8,000 caused; the interval brackets it.
    expect(f.revenue.estimate).toBe(800_000)
    expect(f.revenue.low!).toBeLessThan(800_000)
    expect(f.revenue.high!).toBeGreaterThan(800_000)
    expect(f.revenue.currency).toBe('USD')
    // The interval already excludes no lift (low > 0).
    expect(f.lift.low!).toBeGreaterThan(0)
    expect(f.moreCartsNeeded).toBe(0)
  })

  it('says how many more carts a lift within the noise needs', () => {
    // 10 % held out vs 12 % messaged, 500 carts: the interval includes 0.
    const f = figures(armOf(100, 10, 10_000), armOf(400, 48, 10_000))
    expect(f.lift.low!).toBeLessThan(0)
    const needed = cartsNeeded({ baseline: 0.1, lift: 0.02, holdoutShare: 0.2 })!
    expect(f.moreCartsNeeded).toBe(Math.ceil(needed - 500))
    expect(f.moreCartsNeeded!).toBeGreaterThan(5000)
  })

  it('says nothing it cannot: null bounds with an empty arm or too few recoveries', () => {
    const empty = figures(armOf(0, 0, 0), armOf(40, 5, 10_000), 'EUR')
    expect(empty.lift).toEqual({ estimate: null, low: null, high: null })
    expect(empty.revenue).toEqual({ estimate: null, low: null, high: null, currency: 'EUR' })
    expect(empty.moreCartsNeeded).toBeNull()
    const few = figures(armOf(30, 2, 10_000), armOf(30, 6, 10_000), 'EUR')
    expect(few.lift.low).not.toBeNull()
    expect(few.revenue.estimate).toBe(Math.round((60_000 / 30 - 20_000 / 30) * 30))
    expect(few.revenue.low).toBeNull()
    expect(few.revenue.high).toBeNull()
  })

  it('gives the orders the messages caused: the lift and its bounds times the messaged carts', () => {
    const f = figures(armOf(500, 50, 10_000), armOf(2000, 280, 10_000))
    // 14 % − 10 % of 2,000 messaged carts: 80 orders.
    expect(f.orders.estimate).toBe(80)
    expect(f.orders.low).toBe(Math.round(f.lift.low! * 2000))
    expect(f.orders.high).toBe(Math.round(f.lift.high! * 2000))
    expect(f.orders.low!).toBeLessThan(80)
  })

  it('gives the same figures among the carts reachable by email and by text', () => {
    const email = { holdout: armOf(300, 30, 10_000), messaged: armOf(1200, 216, 10_000) }
    const sms = { holdout: armOf(100, 10, 10_000), messaged: armOf(400, 40, 10_000) }
    const f = incrementalOf({
      period: 'per_1',
      holdout: armOf(500, 50, 10_000),
      messaged: armOf(2000, 280, 10_000),
      byChannel: { email, sms },
      currency: 'USD',
    })
    expect(f.byChannel.email.lift.estimate).toBeCloseTo(0.18 - 0.1, 12)
    expect(f.byChannel.email.orders.estimate).toBe(96)
    expect(f.byChannel.email.messaged).toEqual({ carts: 1200, recovered: 216, revenue: 2_160_000 })
    // No difference among the carts with a phone: an interval around 0.
    expect(f.byChannel.sms.lift.estimate).toBeCloseTo(0, 12)
    expect(f.byChannel.sms.lift.low!).toBeLessThan(0)
    expect(f.byChannel.sms.revenue.currency).toBe('USD')
  })
})
