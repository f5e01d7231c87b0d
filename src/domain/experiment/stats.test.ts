import { describe, expect, it } from 'vitest'
import { mulberry32 } from '#test/random'
import { type ArmCounts, cartsNeeded, meanDifference, newcombe, wilson } from './stats'

const four = (i: { low: number; high: number } | null) =>
  i && [Number(i.low.toFixed(4)), Number(i.high.toFixed(4))]

/** A seeded generator: the same runs every time. */
const seeded = mulberry32

describe('wilson', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Stat Med 17,
  // 857–872, Table I, method 3.
  it.each([
    [81, 263, [0.2553, 0.3662]],
    [15, 148, [0.0624, 0.1605]],
    [0, 20, [0, 0.1611]],
    [1, 29, [0.0061, 0.1718]],
  ])('%i of %i: the published interval', (x, n, expected) => {
    expect(four(wilson(x, n))).toEqual(expected)
  })

  it('has no interval without trials, or for counts out of step', () => {
    expect(wilson(0, 0)).toBeNull()
    expect(wilson(3, 2)).toBeNull()
    expect(wilson(-1, 5)).toBeNull()
    expect(wilson(1.5, 3)).toBeNull()
  })
})

describe('newcombe', () => {
  // Newcombe (1998), "Interval estimation for the difference between independent proportions:
  // comparison of eleven methods", Stat Med 17, 873–890, Table II, method 10.
  it.each([
    [56, 70, 48, 80, [0.0524, 0.3339]],
    [9, 10, 3, 10, [0.1705, 0.809]],
    [5, 56, 0, 29, [-0.0381, 0.1926]],
    [0, 10, 0, 20, [-0.1611, 0.2775]],
    [0, 10, 0, 10, [-0.2775, 0.2775]],
    [10, 10, 0, 20, [0.6791, 1]],
    [10, 10, 0, 10, [0.6075, 1]],
  ])('%i/%i − %i/%i: the published interval', (x1, n1, x2, n2, expected) => {
    const d = newcombe(x1, n1, x2, n2)
    expect(four(d)).toEqual(expected)
    expect(d?.estimate).toBeCloseTo(x1 / n1 - x2 / n2, 12)
  })

  it('has no interval while an arm is empty', () => {
    expect(newcombe(3, 10, 0, 0)).toBeNull()
  })

  it('covers a known true difference about 95 % of the time', () => {
    // Messaging truly lifts recovery from 10 % to 14 %; a 20 % holdout of 2,500 carts.
    const next = seeded(15)
    const draw = (n: number, p: number) => {
      let x = 0
      for (let i = 0; i < n; i++) if (next() < p) x++
      return x
    }
    const runs = 1000
    let covered = 0
    for (let r = 0; r < runs; r++) {
      const d = newcombe(draw(2000, 0.14), 2000, draw(500, 0.1), 500)!
      if (d.low <= 0.04 && 0.04 <= d.high) covered++
    }
    // Binomial spread of 1,000 runs at 95 %: ±0.7 % a standard deviation.
    expect(covered / runs).toBeGreaterThan(0.93)
    expect(covered / runs).toBeLessThan(0.97)
  })
})

describe('meanDifference', () => {
  const arm = (values: number[]): ArmCounts => ({
    carts: values.length,
    recovered: values.filter((v) => v > 0).length,
    revenue: values.reduce((s, v) => s + v, 0),
    revenueSquares: values.reduce((s, v) => s + v * v, 0),
  })

  const twice = (xs: number[]) => [...xs, ...xs]

  it('is the difference of means with the unpooled standard error', () => {
    // A: 1–5 twice (mean 3, sample variance 20/9); B: five 1s, five 2s and two zeros
    // (mean 1.25, sample variance 6.25/11). se = sqrt((20/9)/10 + (6.25/11)/12).
    const a = arm(twice([1, 2, 3, 4, 5]))
    const b = arm([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 0, 0])
    expect(b).toMatchObject({ carts: 12, recovered: 10 })
    const d = meanDifference(a, b)!
    expect(d.estimate).toBeCloseTo(3 - 1.25, 12)
    const se = Math.sqrt(20 / 9 / 10 + 6.25 / 11 / 12)
    expect(d.high - d.estimate).toBeCloseTo(1.959963984540054 * se, 12)
    expect(d.estimate - d.low).toBeCloseTo(d.high - d.estimate, 12)
  })

  it('has no interval with too little data: an arm under ten recoveries, or with no spread', () => {
    const ten = arm(twice([1, 2, 3, 4, 5]))
    expect(meanDifference(ten, arm([1, 2, 3, 4, 5, 1, 2, 3, 4, 0]))).toBeNull()
    expect(meanDifference(ten, arm(Array(50).fill(0)))).toBeNull()
    expect(meanDifference(ten, arm(Array(20).fill(7)))).toBeNull()
    expect(meanDifference(ten, ten)).not.toBeNull()
  })

  it('covers the true revenue lift per cart about 95 % of the time', () => {
    // Recovery 10 % → 14 %, orders worth $20 to $220 (mean $120): the true lift per cart is
    // 0.04 × 12,000 = 480 minor units. 4,000 messaged and 1,000 held-out carts.
    const next = seeded(42)
    const revenueOf = (p: number) => (next() < p ? 2000 + Math.floor(next() * 20_001) : 0)
    const sample = (n: number, p: number) => arm(Array.from({ length: n }, () => revenueOf(p)))
    const runs = 1000
    let covered = 0
    for (let r = 0; r < runs; r++) {
      const d = meanDifference(sample(4000, 0.14), sample(1000, 0.1))!
      if (d.low <= 480 && 480 <= d.high) covered++
    }
    expect(covered / runs).toBeGreaterThan(0.93)
    expect(covered / runs).toBeLessThan(0.97)
  })
})

describe('cartsNeeded', () => {
  it('at an even split, is R’s power.prop.test (its documented example, n = 76.7 an arm)', () => {
    // power.prop.test(p1 = .50, p2 = .75, power = .90): n = 76.7 per group.
    const n = cartsNeeded({
      baseline: 0.5,
      lift: 0.25,
      holdoutShare: 0.5,
      zPower: 1.2815515655446004,
    })!
    expect(n / 2).toBeCloseTo(76.7069, 3)
  })

  it('allocates by the holdout share: 10 % held out, 10 % → 14 %, 80 % power', () => {
    // Checked by simulation (a review of this code): a two-sided 5 % test on 5,988 carts split
    // 10/90 detected that lift 79.9 % of the time.
    expect(cartsNeeded({ baseline: 0.1, lift: 0.04, holdoutShare: 0.1 })).toBeCloseTo(5987.77, 2)
  })

  it('needs more carts when fewer are held out, and more for a smaller lift', () => {
    const at = (holdoutShare: number, lift = 0.04) =>
      cartsNeeded({ baseline: 0.1, lift, holdoutShare })!
    expect(at(0.1)).toBeGreaterThan(at(0.5))
    expect(at(0.5, 0.02)).toBeGreaterThan(at(0.5, 0.04) * 3.5)
  })

  it('has no answer for a lift of nothing, or with no holdout', () => {
    expect(cartsNeeded({ baseline: 0.1, lift: 0, holdoutShare: 0.1 })).toBeNull()
    expect(cartsNeeded({ baseline: 0.1, lift: 0.02, holdoutShare: 0 })).toBeNull()
    expect(cartsNeeded({ baseline: 0.95, lift: 0.1, holdoutShare: 0.1 })).toBeNull()
    // An empty holdout's rate is 0/0; a rate past 1; a share that is not one; no finite answer.
    expect(cartsNeeded({ baseline: Number.NaN, lift: 0.02, holdoutShare: 0.1 })).toBeNull()
    expect(cartsNeeded({ baseline: 1.2, lift: -0.5, holdoutShare: 0.1 })).toBeNull()
    expect(cartsNeeded({ baseline: 0.1, lift: 0.02, holdoutShare: Number.NaN })).toBeNull()
    expect(cartsNeeded({ baseline: 0.1, lift: 1e-170, holdoutShare: 0.1 })).toBeNull()
  })
})
