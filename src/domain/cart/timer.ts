import { armOf } from '../experiment/assign'
import type { ContactFacts } from '../sequence/policy'
import type { CartPolicy } from '../store/settings'
import { deadlines, wakeAt } from './deadlines'
import { finish, keepSequence } from './finish'
import { factsFromCart, nextRunAt, noteClick, processDue, type VariantBuckets } from './runs'
import type { Assignment, CartState, JournalEntry, Transition } from './types'

/** Distinct restore links one episode records; links are signed per step, so never reached. */
const MAX_RESTORES = 32

/**
 * The alarm: abandons or loses the cart when due, starts the sequence and runs the steps due.
 * `contact` null: the contact objects were not asked, so no step is decided now; a step found
 * due anyway keeps the wake at its time, and the next alarm asks them.
 */
export function onTimer(
  s: CartState,
  now: number,
  policy: CartPolicy,
  contact: Partial<ContactFacts> | null = {},
  assignment: Assignment | null = null,
  buckets: VariantBuckets = {},
): Transition {
  const { state: n, journal } = reachDeadlines(s, now, policy, assignment)
  // Start the sequence if this wake abandoned the cart, then run what is due.
  const started = keepSequence(n, now, policy)
  const due =
    contact === null
      ? { state: started.state, journal: [], effects: [] }
      : processDue(
          started.state,
          now,
          policy,
          { ...factsFromCart(started.state, policy), ...contact },
          buckets,
        )
  return finish(
    s,
    due.state,
    [...journal, ...started.journal, ...due.journal],
    now,
    policy,
    undefined,
    due.effects,
  )
}

/**
 * Whether the alarm at `now` has a step to decide, which needs the contact objects' facts
 * (suppression, opt-in, caps). An abandonment whose first step is later needs none of them.
 */
export function stepDueAt(s: CartState, now: number, policy: CartPolicy): boolean {
  const started = keepSequence(reachDeadlines(s, now, policy).state, now, policy)
  const at = nextRunAt(started.state)
  return at !== null && at <= now
}

/**
 * The step experiments whose bucket the alarm at `now` needs: those of the steps coming due
 * without a variant yet. The shell works each out (an HMAC, so not here) and hands them to
 * `timer.fired` as `variants`.
 */
export function experimentsDue(s: CartState, now: number, policy: CartPolicy): string[] {
  const started = keepSequence(reachDeadlines(s, now, policy).state, now, policy).state
  const ids = new Set<string>()
  for (const r of started.runs) {
    if (r.variant !== null || (r.notBefore ?? r.dueAt) > now) continue
    if (r.status !== 'scheduled' && r.status !== 'deferred') continue
    const step = policy.sequence.find((x) => x.id === r.id && x.channel === r.channel)
    if (step?.variants && step.experiment) ids.add(step.experiment.id)
  }
  return [...ids]
}

/**
 * Whether the alarm at `now` abandons a cart that has no arm yet while its store runs a holdout:
 * then the shell works out the cart's bucket (`Assignment`, an HMAC, so not here) and hands it
 * to `timer.fired`.
 */
export function needsAssignment(s: CartState, now: number, policy: CartPolicy): boolean {
  return openHoldout(s, policy) !== null && abandonsNow(deadlines(s, policy), now)
}

/** The running holdout `s` may still join: none once its episode was abandoned or it has an arm. */
function openHoldout(s: CartState, policy: CartPolicy) {
  const h = policy.holdout
  return s.abandonedAt === null && s.experiment === null && h && h.percent > 0 ? h : null
}

/** Whether the abandonment deadline has come by `now`, before the episode ended. */
function abandonsNow(d: { abandon: number | null; lost: number | null }, now: number) {
  return d.abandon !== null && d.abandon <= now && (d.lost === null || d.abandon <= d.lost)
}

/**
 * The cart's arm, decided once, at the first abandonment of its episode (the one that starts
 * its sequence), from the bucket the shell worked out for the store's running period. A cart
 * abandoned again (restored, then left) keeps what it had, arm or none: one that was messaged
 * before a holdout started must never be counted as held out. Without a bucket for that period
 * (none runs, or a bug) the cart is in no experiment and is messaged as usual: it is left out
 * of the figures rather than guessed into an arm.
 */
function assign(before: CartState, now: number, policy: CartPolicy, a: Assignment | null) {
  const h = openHoldout(before, policy)
  if (!h || a?.period !== h.period) return null
  const experiment = {
    arm: armOf(a.bucket, h.percent),
    period: h.period,
    assignedAt: now,
    reach: reachOf(before.contact),
  }
  const entry: JournalEntry = {
    at: now,
    type: 'experiment.assigned',
    source: 'timer',
    arm: experiment.arm,
    period: h.period,
    holdoutPercent: h.percent,
  }
  return { experiment, entry }
}

/** What a cart can be reached on: its figures per channel are counted by it. */
function reachOf(c: CartState['contact']): 'email' | 'phone' | 'both' | 'none' {
  if (c.email && c.phone) return 'both'
  return c.email ? 'email' : c.phone ? 'phone' : 'none'
}

/** The abandonment and the end of the episode, each at most once, if their time has come. */
function reachDeadlines(
  s: CartState,
  now: number,
  policy: CartPolicy,
  assignment: Assignment | null = null,
) {
  // Alarms are at-least-once and may fire early or late: recompute what is due from the
  // state, never trust the alarm itself. A late alarm may owe several steps at once.
  const journal: JournalEntry[] = []
  let n = s
  for (let i = 0; i < 3; i++) {
    const d = deadlines(n, policy)
    const { abandon, lost } = d
    if (abandon !== null && abandonsNow(d, now)) {
      // A restored cart left again keeps its first abandonment: attribution counts from it.
      // `abandonedAt` is when this alarm noticed (now), the deadline stays beside it.
      const before = n
      n = {
        ...n,
        status: 'abandoned',
        abandonedAt: n.abandonedAt ?? now,
        abandonDueAt: n.abandonDueAt ?? abandon,
        abandonCount: n.abandonCount + 1,
      }
      journal.push({
        at: now,
        type: 'cart.abandoned',
        source: 'timer',
        inactivitySeconds: policy.inactivitySeconds,
        dueAt: new Date(abandon).toISOString(),
      })
      const assigned = assign(before, now, policy, assignment)
      if (assigned) {
        n = { ...n, experiment: assigned.experiment }
        journal.push(assigned.entry)
      }
    } else if (lost !== null && lost <= now) {
      n = { ...n, status: 'lost', lostAt: lost }
      journal.push({ at: lost, type: 'cart.lost', source: 'timer' })
    } else break
  }
  return { state: n, journal }
}

/**
 * A restore link rebuilt the cart in the shopper's browser: a click, and a restore when the
 * cart was abandoned.
 */
export function onRestoreRebuilt(
  s: CartState,
  step: string | null,
  now: number,
  policy: CartPolicy,
): Transition {
  const seen = s.restores.find((r) => r.step === step)
  if (seen || s.restores.length >= MAX_RESTORES) {
    // The same link rebuilt again (a refresh, another device, a scanner that runs scripts):
    // counted, nothing else. No revision either: reports and retention have nothing new.
    const restores = s.restores.map((r) => (r === seen ? { ...r, repeats: r.repeats + 1 } : r))
    const state = seen ? { ...s, restores } : s
    return { state, effects: [], wakeAt: wakeAt(state, policy), journal: [] }
  }
  const clicked: CartState = {
    ...noteClick(s, step, now),
    restores: [...s.restores, { step, at: now, repeats: 0 }],
  }
  const restorable =
    s.abandonedAt !== null &&
    (s.status === 'abandoned' ||
      s.status === 'lost' ||
      s.status === 'restored' ||
      s.status === 'active')
  if (!restorable) {
    const entry: JournalEntry = { at: now, type: 'restore.rebuilt', source: 'shopper', step }
    return finish(s, clicked, [entry], now, policy)
  }
  const n: CartState = {
    ...clicked,
    status: 'restored',
    restoredAt: now,
    lastActivityAt: now,
    lostAt: null,
  }
  const entry: JournalEntry = { at: now, type: 'cart.restored', source: 'shopper', step }
  return finish(s, n, [entry], now, policy)
}
