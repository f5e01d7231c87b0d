import { describe, expect, it } from 'vitest'
import { incrementalOf } from '../../domain/experiment/incremental'
import type { ArmCounts } from '../../domain/experiment/stats'
import { incrementalHeadline } from './incremental'

const arm = (carts: number, recovered: number, each: number): ArmCounts => ({
  carts,
  recovered,
  revenue: recovered * each,
  revenueSquares: recovered * each * each,
})
const headline = (holdout: ArmCounts, messaged: ArmCounts) =>
  incrementalHeadline(
    incrementalOf({
      period: 'per_1',
      holdout,
      messaged,
      byChannel: { email: { holdout, messaged }, sms: { holdout, messaged } },
      currency: 'USD',
    }),
  )

describe('incrementalHeadline', () => {
  it('says what the messages caused, with its margin, once the lift is told from none', () => {
    // 10 % vs 14 % recovery, $100 orders, 500 held out and 2,000 messaged: $8,000 caused.
    const text = headline(arm(500, 50, 10_000), arm(2000, 280, 10_000))
    expect(text).toMatch(/^\+\$8,000\.00 ± \$[\d,]+\.\d\d caused by messages \(95 % confidence\)$/)
  })

  it('says how many more carts it would take while the lift is within the noise', () => {
    // 10 % vs 12 %, 20 % held out: cartsNeeded gives 12,222.8 carts in all, 500 seen so far.
    expect(headline(arm(100, 10, 10_000), arm(400, 48, 10_000))).toBe(
      'Not enough carts yet to tell: about 11,723 more needed.',
    )
  })

  it('says a fall as a fall, each figure with its own sign', () => {
    // 14 % held out against 10 % messaged: the messages lowered recovery, and revenue.
    expect(headline(arm(500, 70, 10_000), arm(2000, 200, 10_000))).toMatch(
      /^Messages lowered revenue by \$8,000\.00 ± \$[\d,]+\.\d\d \(95 % confidence\)$/,
    )
    // Recoveries up, orders smaller (a discount): the revenue's own sign is said.
    expect(headline(arm(500, 50, 20_000), arm(2000, 280, 10_000))).toMatch(
      /^Messages lowered revenue by \$[\d,]+\.\d\d ± /,
    )
    expect(headline(arm(800, 60, 10_000), arm(200, 2, 10_000))).toBe(
      'Messages lowered recovery by 6.5 pts (95 % confidence); the revenue needs ten recovered carts in each group.',
    )
  })

  it('says so when a group has no carts yet, or when no lift is seen at all', () => {
    expect(headline(arm(0, 0, 0), arm(40, 4, 10_000))).toBe(
      'Not enough carts yet to tell: both groups need abandoned carts first.',
    )
    expect(headline(arm(100, 10, 10_000), arm(400, 40, 10_000))).toBe(
      'Not enough carts yet to tell the messages from no messages.',
    )
  })

  it('gives the lift alone while revenue lacks ten recoveries a group', () => {
    // 2 of 200 held out against 60 of 800 messaged: told, but the holdout has 2 recoveries.
    expect(headline(arm(200, 2, 10_000), arm(800, 60, 10_000))).toBe(
      '+6.5 pts recovery caused by messages (95 % confidence); the revenue needs ten recovered carts in each group.',
    )
  })
})
