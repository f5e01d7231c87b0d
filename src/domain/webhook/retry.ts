/**
 * When a failed delivery is tried again: a fixed, growing schedule over about three days, with
 * jitter so that many events refused together do not come back together, and the rule that
 * ends it (issue 16).
 */

const S = 1000
const M = 60 * S
const H = 60 * M

/** The wait after each failed attempt (the 1st, 2nd, …); the last repeats until give-up. */
export const RETRY_DELAYS_MS = [
  5 * S,
  30 * S,
  2 * M,
  10 * M,
  30 * M,
  1 * H,
  2 * H,
  4 * H,
  8 * H,
  12 * H,
] as const

/** An endpoint that has delivered nothing for this long while failing is disabled. */
export const GIVE_UP_AFTER_MS = 3 * 24 * H

/** Each attempt's time limit: a receiver that has not answered by then has failed. */
export const ATTEMPT_TIMEOUT_MS = 10 * S

/**
 * When to try again after the `attempts`-th failure (1-based) at `now`: the schedule's delay
 * plus up to 10 % jitter, never past the endpoint's give-up time (`failingSince` +
 * `GIVE_UP_AFTER_MS`), so the last try falls on it.
 */
export function nextAttemptAt(
  attempts: number,
  now: number,
  failingSince: number,
  random: () => number = Math.random,
): number {
  const i = Math.min(Math.max(attempts, 1), RETRY_DELAYS_MS.length) - 1
  const delay = RETRY_DELAYS_MS[i] as number
  const at = now + delay + Math.floor(random() * delay * 0.1)
  return Math.min(at, Math.max(now, failingSince + GIVE_UP_AFTER_MS))
}

/** Whether a failure at `now` ends the endpoint: it has failed, delivering nothing, for 3 days. */
export function givesUp(now: number, failingSince: number): boolean {
  return now - failingSince >= GIVE_UP_AFTER_MS
}

/** What a receiver's answer means: 2xx delivered, 410 gone (disable), anything else retry. */
export function verdict(status: number | null): 'delivered' | 'gone' | 'retry' {
  if (status !== null && status >= 200 && status < 300) return 'delivered'
  return status === 410 ? 'gone' : 'retry'
}
