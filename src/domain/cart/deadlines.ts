import type { CartPolicy } from '../store/settings'
import { abandonDue, nextRunAt } from './runs'
import type { CartState } from './types'

const SECOND = 1000

/** The times at which the cart must change by itself, if any. */
export function deadlines(s: CartState, policy: CartPolicy) {
  const waiting = s.status === 'active' || s.status === 'restored'
  const abandon =
    waiting && s.items.length > 0 ? s.lastActivityAt + policy.inactivitySeconds * SECOND : null
  const lost =
    (s.status === 'abandoned' || s.status === 'restored') && s.abandonedAt !== null
      ? attributionEnd(s, policy)
      : null
  return { abandon, lost }
}

/** The earliest moment the cart's alarm must fire, or null when nothing is pending. */
export function wakeAt(s: CartState, policy: CartPolicy): number | null {
  const { abandon, lost } = deadlines(s, policy)
  const times = [abandon, lost, nextRunAt(s)].filter((t): t is number => t !== null)
  return times.length === 0 ? null : Math.min(...times)
}

/** Orders placed until this time count as recovered: the window restarts at a restore. */
export function attributionEnd(s: CartState, policy: CartPolicy): number {
  const from = Math.max(abandonDue(s) ?? 0, s.restoredAt ?? 0)
  return from + policy.attributionWindowSeconds * SECOND
}
