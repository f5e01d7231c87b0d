import { describe, expect, it } from 'vitest'
import { attempt, FRESH, lockFor, type ThrottleState } from './throttle'

const T0 = 1_700_000_000_000

/** Runs `n` counted tries at `now`, as failures. */
function fail(n: number, from: ThrottleState = FRESH, now = T0): ThrottleState {
  let s = from
  for (let i = 0; i < n; i++) {
    const d = attempt(s, now)
    if (!d.allowed) throw new Error('locked')
    s = d.state
  }
  return s
}

describe('login throttle', () => {
  it('locks after the fifth failure, for a minute, doubling up to an hour', () => {
    expect([4, 5, 6, 7, 11, 20].map(lockFor)).toEqual([
      0, 60_000, 120_000, 240_000, 3_600_000, 3_600_000,
    ])
    expect(fail(4)).toMatchObject({ failures: 4, lockedUntil: 0 })
    expect(fail(5)).toMatchObject({ failures: 5, lockedUntil: T0 + 60_000 })
  })

  it('refuses while locked without counting, and counts again once the lock ends', () => {
    const locked = fail(5)
    expect(attempt(locked, T0 + 59_000)).toEqual({
      allowed: false,
      retryAfterMs: 1_000,
      state: locked,
    })
    const d = attempt(locked, T0 + 60_000)
    expect(d).toMatchObject({ allowed: true, state: { failures: 6, lockedUntil: T0 + 180_000 } })
  })

  it('forgets failures a day old', () => {
    const d = attempt(fail(4), T0 + 86_400_001)
    expect(d).toMatchObject({ allowed: true, state: { failures: 1, lockedUntil: 0 } })
  })
})
