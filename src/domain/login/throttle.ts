/**
 * Per-account back-off for dashboard logins (issue 11), on top of the per-address limiter: a
 * guesser spreading tries over many addresses still meets it. Pure: the caller passes `now`.
 */
export type ThrottleState = { failures: number; lockedUntil: number; lastFailureAt: number }

export const FRESH: ThrottleState = { failures: 0, lockedUntil: 0, lastFailureAt: 0 }

/** Failures allowed before the first lock. */
export const FREE_FAILURES = 5
const FIRST_LOCK_MS = 60_000
const MAX_LOCK_MS = 60 * 60_000
/** A day without a failure forgets the count. */
const FORGET_MS = 86_400_000

/** How long the account is locked after its `failures`-th failure (0 below the threshold). */
export function lockFor(failures: number): number {
  if (failures < FREE_FAILURES) return 0
  return Math.min(FIRST_LOCK_MS * 2 ** (failures - FREE_FAILURES), MAX_LOCK_MS)
}

export type Decision =
  | { allowed: true; state: ThrottleState }
  | { allowed: false; retryAfterMs: number; state: ThrottleState }

/**
 * An attempt is about to check a password. While locked it is refused (and not counted, so
 * waiting out the lock is enough). Otherwise it is counted as a failure before the password is
 * checked, so parallel guesses are all counted; a correct password then calls `succeeded`.
 */
export function attempt(state: ThrottleState, now: number): Decision {
  if (now < state.lockedUntil) {
    return { allowed: false, retryAfterMs: state.lockedUntil - now, state }
  }
  const failures = now - state.lastFailureAt > FORGET_MS ? 1 : state.failures + 1
  const lock = lockFor(failures)
  return {
    allowed: true,
    state: { failures, lockedUntil: lock ? now + lock : 0, lastFailureAt: now },
  }
}

/** A correct password: the count starts again. */
export function succeeded(): ThrottleState {
  return FRESH
}
