import { nextAllowedTime, type QuietHours, type RecipientLocation } from '../sequence/quiet-hours'

const MINUTE = 60_000

/** A direct answer within this long of the shopper's text is not held back by quiet hours. */
export const DIRECT_ANSWER_MS = 15 * MINUTE
/** At most this many AI replies to one contact per hour: loops with auto-responders end. */
export const MAX_REPLIES_PER_HOUR = 10

/**
 * When a reply to a text received at `askedAt` may go: now, if it answers within 15 minutes or
 * it is daytime for the shopper; else the next allowed time; null when none comes within the
 * quiet-hours horizon.
 */
export function replyTime(
  now: number,
  askedAt: number,
  location: RecipientLocation,
  hours: QuietHours,
): number | null {
  if (now - askedAt <= DIRECT_ANSWER_MS) return now
  return nextAllowedTime(now, location, hours)
}

/** Whether one more AI reply fits in the hourly cap, given the times of the earlier ones. */
export function underReplyCap(replyTimes: number[], now: number): boolean {
  return replyTimes.filter((t) => t > now - 60 * MINUTE).length < MAX_REPLIES_PER_HOUR
}
