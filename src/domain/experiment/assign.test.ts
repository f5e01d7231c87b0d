import { describe, expect, it } from 'vitest'
import { armOf, assignmentFor, bucketOf, subjectOf, variantOf } from './assign'

const KEY = 'test-experiment-key-0123456789abcdef'
const subjects = Array.from({ length: 10_000 }, (_, i) => `email:shopper-${i}@example.com`)

describe('bucketOf', () => {
  it('is stable: the same subject in the same period lands in the same bucket', async () => {
    const a = await bucketOf(KEY, 'per_1', 'st_1', subjects[0]!)
    expect(await bucketOf(KEY, 'per_1', 'st_1', subjects[0]!)).toBe(a)
    expect(a).toBeGreaterThanOrEqual(0)
    expect(a).toBeLessThan(1)
  })

  it('depends on the key, the period, the store and how the parts are split', async () => {
    const a = await bucketOf(KEY, 'per_1', 'st_1', subjects[0]!)
    expect(await bucketOf(`${KEY}x`, 'per_1', 'st_1', subjects[0]!)).not.toBe(a)
    expect(await bucketOf(KEY, 'per_2', 'st_1', subjects[0]!)).not.toBe(a)
    expect(await bucketOf(KEY, 'per_1', 'st_2', subjects[0]!)).not.toBe(a)
    expect(await bucketOf(KEY, 'a:b', 'c')).not.toBe(await bucketOf(KEY, 'a', 'b:c'))
    expect(await bucketOf(KEY, '1:a', 'b')).not.toBe(await bucketOf(KEY, '1', 'a:b'))
    // Any character a shopper's address may hold is hashed, never refused.
    const odd = await bucketOf(KEY, 'email:a\u0000b@example.com')
    expect(odd).toBeGreaterThanOrEqual(0)
    expect(odd).toBeLessThan(1)
  })

  it('balances arms: 10,000 contacts at a 10 % holdout put 10 % ± 1 % in the holdout', async () => {
    const buckets = await Promise.all(subjects.map((s) => bucketOf(KEY, 'per_1', 'st_1', s)))
    const held = buckets.filter((b) => armOf(b, 10) === 'holdout').length / subjects.length
    // Binomial standard deviation at 10 % of 10,000: 0.3 %; ±1 % is over three of them.
    expect(held).toBeGreaterThan(0.09)
    expect(held).toBeLessThan(0.11)
    const half = buckets.filter((b) => armOf(b, 50) === 'holdout').length / subjects.length
    expect(half).toBeGreaterThan(0.485)
    expect(half).toBeLessThan(0.515)
  })

  it('reshuffles between periods: a new period is a new draw, not the old arms again', async () => {
    const arms = (period: string) =>
      Promise.all(subjects.map(async (s) => armOf(await bucketOf(KEY, period, 'st_1', s), 50)))
    const [a, b] = await Promise.all([arms('per_1'), arms('per_2')])
    const same = a.filter((arm, i) => arm === b[i]).length / subjects.length
    // Independent draws at 50 % agree half the time.
    expect(same).toBeGreaterThan(0.47)
    expect(same).toBeLessThan(0.53)
  })
})

describe('armOf and variantOf', () => {
  it('holds out the lowest buckets, none at 0 %', () => {
    expect(armOf(0, 0)).toBe('messaged')
    expect(armOf(0.0999, 10)).toBe('holdout')
    expect(armOf(0.1, 10)).toBe('messaged')
    expect(armOf(0.4999, 50)).toBe('holdout')
  })

  it('splits buckets into equal variant shares', async () => {
    for (const count of [2, 3, 4]) {
      const seen = new Array<number>(count).fill(0)
      for (const s of subjects) seen[variantOf(await bucketOf(KEY, 'step', s), count)]! += 1
      for (const n of seen) {
        expect(n / subjects.length).toBeGreaterThan(1 / count - 0.02)
        expect(n / subjects.length).toBeLessThan(1 / count + 0.02)
      }
    }
    expect(variantOf(0.999999, 4)).toBe(3)
    expect(() => variantOf(0.5, 0)).toThrow()
  })
})

describe('subjectOf and assignmentFor', () => {
  const h = { percent: 10, period: 'per_1' }
  const ref = { storeId: 'st_1', cartId: 'cart_a' }

  it('follows the person: the email, else the phone, else the cart', () => {
    expect(
      subjectOf({ ...ref, contact: { email: 'ada@example.com', phone: '+14155550100' } }),
    ).toBe('email:ada@example.com')
    expect(subjectOf({ ...ref, contact: { phone: '+14155550100' } })).toBe('phone:+14155550100')
    expect(subjectOf({ ...ref, contact: {} })).toBe('cart:cart_a')
  })

  it('puts two carts of the same person in the same bucket, and anonymous carts apart', async () => {
    const contact = { email: 'ada@example.com' }
    const a = await assignmentFor({ ...ref, contact }, h, KEY)
    const b = await assignmentFor({ ...ref, cartId: 'cart_b', contact }, h, KEY)
    expect(b).toEqual(a)
    expect(a.period).toBe('per_1')
    const c = await assignmentFor({ ...ref, contact: {} }, h, KEY)
    const d = await assignmentFor({ ...ref, cartId: 'cart_b', contact: {} }, h, KEY)
    expect(c.bucket).not.toBe(d.bucket)
  })
})
