import type { CartPolicy } from '../store/settings'
import { wakeAt } from './deadlines'
import { cancelRuns, followSequence, startRuns } from './runs'
import type { CartState, Effect, JournalEntry, Refusal, Transition } from './types'

/**
 * Closes a transition: keeps the sequence in step, bumps the revision when the state changed,
 * and sets the next wake.
 */
export function finish(
  before: CartState,
  after: CartState,
  journal: JournalEntry[],
  now: number,
  policy: CartPolicy,
  refused?: Refusal,
  effects: Effect[] = [],
): Transition {
  const kept = keepSequence(after, now, policy)
  const changed = kept.state !== before
  const state = changed ? { ...kept.state, revision: before.revision + 1, updatedAt: now } : before
  const t: Transition = {
    state,
    effects: changed ? [{ type: 'publish_report' }, ...effects] : effects,
    wakeAt: wakeAt(state, policy),
    journal: [...journal, ...kept.journal],
  }
  if (refused) t.refused = refused
  return t
}

/**
 * Keeps the sequence in step with the cart, whatever the event: a first abandonment starts it;
 * an order, a hold, an emptied cart or the end of the window stops what is left; a new episode
 * clears it.
 */
export function keepSequence(s: CartState, now: number, policy: CartPolicy) {
  // A held-out cart is tracked like any other and sent nothing: its journal says so
  // (`experiment.assigned`, arm "holdout"), and no sequence ever starts for it.
  if (s.abandonedAt === null || s.experiment?.arm === 'holdout') {
    return { state: s.runs.length > 0 ? { ...s, runs: [] } : s, journal: [] as JournalEntry[] }
  }
  if (
    s.status === 'abandoned' &&
    s.runs.length === 0 &&
    policy.sequence.length > 0 &&
    s.supersededBy === null &&
    !orderStands(s)
  ) {
    const runs = startRuns(s, policy)
    const entry: JournalEntry = {
      at: now,
      type: 'sequence.started',
      source: 'timer',
      steps: runs.map((r) => r.id),
    }
    return { state: { ...s, runs }, journal: [entry] }
  }
  const reason =
    s.recoveredAt !== null || s.convertedAt !== null || orderStands(s)
      ? 'ordered'
      : s.supersededBy !== null
        ? 'superseded'
        : s.status === 'archived' || s.status === 'ignored' || s.status === 'lost'
          ? s.status
          : s.items.length === 0
            ? 'emptied'
            : null
  if (reason === null) {
    // Settings reach carts in flight: the steps to come follow the sequence as it is now.
    const followed = followSequence(s, policy, now)
    return { state: followed.state, journal: followed.journal }
  }
  const stopped = cancelRuns(s, reason, now)
  return { state: stopped.state, journal: stopped.journal }
}

/**
 * An order that stands, paid or not yet (pending, on hold): reminders would be noise. A failed,
 * cancelled or refunded one does not stop anything.
 */
function orderStands(s: CartState): boolean {
  return s.order !== null && !['failed', 'cancelled', 'refunded', 'trash'].includes(s.order.status)
}

/** Exhaustiveness check for switches over closed unions. */
export function assertNever(x: never): never {
  throw new Error(`unhandled: ${JSON.stringify(x)}`)
}
