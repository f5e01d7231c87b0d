/**
 * A cart's runs: one per step of the store's sequence (`domain/sequence/`) this abandonment
 * follows, with its due time, skip or deferral, sending state and attribution. "Sequence" names
 * only the store's steps; what a cart does with them is a run.
 */
import { type ContactFacts, decideStep } from '../sequence/policy'
import { FIRST_VARIANT, type Step } from '../sequence/steps'
import { asVariant, earliestDelay, pickVariant } from '../sequence/variants'
import type { CartPolicy } from '../store/settings'
import type { CartState, Effect, JournalEntry, StepRun } from './types'

type Progress = { state: CartState; effects: Effect[]; journal: JournalEntry[] }

const OPEN = new Set<StepRun['status']>(['scheduled', 'deferred'])

/**
 * Texts this abandonment already cost: those sent, and those whose outcome is unknown (a Twilio
 * call cut off): either may have reached the phone, so both count for the one-text rule and caps.
 */
export function textedRuns(s: CartState): StepRun[] {
  return s.runs.filter(
    (r) => r.channel === 'sms' && (r.status === 'sent' || r.reason === 'outcome_unknown'),
  )
}

/** Whether the sequence may run: only an abandoned or restored cart gets reminders. */
export function running(s: CartState): boolean {
  return (s.status === 'abandoned' || s.status === 'restored') && s.abandonedAt !== null
}

/**
 * What the episode's timers count from: the inactivity deadline, not the moment the alarm
 * noticed it, so a late alarm never pushes the steps or the windows later.
 */
export function abandonDue(s: CartState): number | null {
  return s.abandonDueAt ?? s.abandonedAt
}

/**
 * The runs of a fresh abandonment: one per step, due at the deadline + its delay (its
 * earliest variant's, for a step with variants: the cart's variant is decided then).
 */
export function startRuns(s: CartState, policy: CartPolicy): StepRun[] {
  const from = abandonDue(s) ?? 0
  return policy.sequence
    .map((step) => scheduledRun(step.id, step.channel, from + earliestDelay(step) * 1000))
    .sort((a, b) => a.dueAt - b.dueAt)
}

/** When a run is due from `from`: its variant's delay once it has one, else the earliest. */
function runDueAt(from: number, step: Step, run: StepRun): number {
  const delay =
    run.variant === null ? earliestDelay(step) : asVariant(step, run.variant).step.delaySeconds
  return from + delay * 1000
}

/**
 * The step as this run sends it: its variant's content while the step still runs the
 * experiment the variant was given in; the step's own content otherwise (the experiment ended
 * or was replaced: a variant id may name other content in the next one).
 */
export function stepOfRun(
  policy: CartPolicy,
  run: Pick<StepRun, 'id' | 'channel' | 'variant' | 'experiment'>,
) {
  const step = policy.sequence.find((x) => x.id === run.id && x.channel === run.channel)
  return step ? asVariant(step, inRunningExperiment(step, run) ? run.variant : null) : null
}

/** Whether the run's variant was given in the experiment the step runs now. */
function inRunningExperiment(step: Step, run: Pick<StepRun, 'experiment'>): boolean {
  return run.experiment !== null && run.experiment === step.experiment?.id
}

/** A step's run before anything has happened to it: scheduled for `dueAt`. */
export function scheduledRun(id: string, channel: StepRun['channel'], dueAt: number): StepRun {
  return {
    id,
    channel,
    status: 'scheduled',
    dueAt,
    notBefore: null,
    at: null,
    reason: null,
    messageId: null,
    clickedAt: null,
    coupon: null,
    variant: null,
    variantAt: null,
    experiment: null,
  }
}

/**
 * Brings the steps still to come in line with the store's current sequence (the merchant may
 * have changed it since the cart was abandoned): a step no longer in it is skipped as
 * `step_removed`, a step whose delay changed is due at abandonment + its new delay. A step
 * added since starts with the next abandonment, not this one. Runs already sending or settled
 * keep their story. Returns the same state when nothing changed.
 */
export function followSequence(s: CartState, policy: CartPolicy, now: number): Progress {
  const from = abandonDue(s)
  if (from === null) return { state: s, effects: [], journal: [] }
  const journal: JournalEntry[] = []
  let moved = false
  const runs = s.runs.map((r): StepRun => {
    if (!OPEN.has(r.status)) return r
    const step = policy.sequence.find((x) => x.id === r.id && x.channel === r.channel)
    const base = { at: now, source: 'merchant' as const, step: r.id, channel: r.channel }
    if (!step) {
      journal.push({ ...base, type: 'message.skipped', reason: 'step_removed' })
      return { ...r, status: 'skipped', at: now, reason: 'step_removed', notBefore: null }
    }
    // A variant given in an experiment the step no longer runs is given again, in the new one
    // (its id may name other content there), or not at all when the step has no variants. A
    // run given the step's own content outside any experiment (no bucket) keeps it.
    const stale =
      r.variant !== null &&
      (!step.variants || (r.experiment !== null && r.experiment !== step.experiment?.id))
    const run = stale ? { ...r, variant: null, variantAt: null, experiment: null } : r
    const dueAt = runDueAt(from, step, run)
    if (dueAt === r.dueAt && !stale) return r
    moved = true
    journal.push({ ...base, type: 'message.rescheduled', dueAt: new Date(dueAt).toISOString() })
    // Decided afresh at the new time: a deferral made for the old time no longer holds.
    return { ...run, status: 'scheduled', dueAt, notBefore: null, reason: null }
  })
  if (journal.length === 0) return { state: s, effects: [], journal }
  // Runs stay in order of due time: the first due one is the one decided first.
  if (moved) runs.sort((a, b) => a.dueAt - b.dueAt)
  return { state: { ...s, runs }, effects: [], journal }
}

/**
 * Marks the step whose restore link rebuilt the cart: the only click that counts (provider
 * click tracking also counts mail scanners). A text whose outcome was unknown (it is listed,
 * with its message id) evidently arrived: it is marked sent, so the click and the order's
 * attribution count it.
 */
export function noteClick(s: CartState, stepId: string | null, at: number): CartState {
  const run = stepId === null ? undefined : s.runs.find((r) => r.id === stepId)
  if (!run) return s
  if (arrivedDespiteUnknown(run))
    return update(s, run.id, { status: 'sent', reason: null, clickedAt: at })
  if (run.status !== 'sent' || (run.clickedAt !== null && run.clickedAt >= at)) return s
  return update(s, run.id, { clickedAt: at })
}

/** A step whose text may have gone (a Twilio call without an answer), listed under its id. */
function arrivedDespiteUnknown(r: StepRun): boolean {
  return r.status === 'failed' && r.reason === 'outcome_unknown' && r.messageId !== null
}

/**
 * The message a recovered order is credited to: of the messages sent before the order, within
 * their channel's window (counted from the click, else the send), the last one clicked; if none
 * was clicked, the last one sent. Null when no message is close enough: a recovery on its own.
 */
export function attribute(
  s: CartState,
  placedAt: number,
  policy: CartPolicy,
): CartState['attribution'] {
  const windowMs = (channel: 'email' | 'sms') =>
    (channel === 'email'
      ? policy.attribution.emailWindowSeconds
      : policy.attribution.smsWindowSeconds) * 1000
  const sent = s.runs.filter((r) => r.status === 'sent' && r.at !== null && r.at <= placedAt)
  const clicked = sent
    .filter(
      (r) =>
        r.clickedAt !== null &&
        r.clickedAt <= placedAt &&
        placedAt - r.clickedAt <= windowMs(r.channel),
    )
    .sort((a, b) => (b.clickedAt ?? 0) - (a.clickedAt ?? 0))[0]
  // The variant credited is the one the run sent, whatever the step holds now.
  const credit = (r: StepRun, via: 'click' | 'send') => ({
    step: r.id,
    channel: r.channel,
    via,
    variant: r.variant,
    experiment: r.experiment,
  })
  if (clicked) return credit(clicked, 'click')
  const last = sent
    .filter((r) => placedAt - (r.at ?? 0) <= windowMs(r.channel))
    .sort((a, b) => (b.at ?? 0) - (a.at ?? 0))[0]
  return last ? credit(last, 'send') : null
}

/** When the sequence next needs the cart awake, or null. */
export function nextRunAt(s: CartState): number | null {
  if (!running(s) || s.runs.some((r) => r.status === 'sending')) return null
  let next: number | null = null
  for (const r of s.runs) {
    if (!OPEN.has(r.status)) continue
    const at = r.notBefore ?? r.dueAt
    if (next === null || at < next) next = at
  }
  return next
}

/** Stops every step still to come, with the reason in the journal. */
export function cancelRuns(s: CartState, reason: string, now: number): Progress {
  // A run still `sending` (a retry waiting in the outbox) is stopped too: the shell checks the
  // run before every provider call and drops a send whose run is no longer `sending`.
  const stoppable = (r: StepRun) => OPEN.has(r.status) || r.status === 'sending'
  const open = s.runs.filter(stoppable)
  if (open.length === 0) return { state: s, effects: [], journal: [] }
  const runs = s.runs.map((r) =>
    stoppable(r) ? { ...r, status: 'cancelled' as const, at: now, reason } : r,
  )
  return {
    state: { ...s, runs },
    effects: [],
    journal: [
      { at: now, type: 'sequence.stopped', source: 'timer', reason, steps: open.map((r) => r.id) },
    ],
  }
}

/**
 * What the cart's own records say about its contact. Suppression and reply-YES confirmation
 * live with the contact (ContactObject); until it answers, a cart assumes none and requires
 * the confirmation whenever the store asks for double opt-in.
 */
export function factsFromCart(s: CartState, policy: CartPolicy): ContactFacts {
  const phone = s.contact.phone ?? null
  const consent = s.consents.findLast((c) => c.channel === 'sms' && (c.phone ?? null) === phone)
  return {
    email: s.contact.email ?? null,
    phone,
    emailSuppressed: false,
    smsSuppressed: false,
    smsConsent: consent ? { granted: consent.granted, at: consent.at } : null,
    smsOptInConfirmed: !policy.smsDoubleOptIn,
    recentTexts: textedRuns(s).map((r) => r.at ?? 0),
    timezone: s.contact.timezone ?? null,
  }
}

/** The key that makes one step of one abandonment go out at most once. */
export function messageKey(s: CartState, stepId: string, channel: string): string {
  return `${s.cartId}:${s.abandonedAt}:${stepId}:${channel}`
}

function update(s: CartState, id: string, patch: Partial<StepRun>): CartState {
  return { ...s, runs: s.runs.map((r) => (r.id === id ? { ...r, ...patch } : r)) }
}

/**
 * Runs the steps that are due, in order, until one is sent: each is sent, deferred or skipped
 * with a reason. A step whose time passed while a later step also came due is skipped as caught
 * up, so a late alarm never sends a burst; steps due together (an email and a text) go one
 * after the other. One message is in flight at a time.
 */
export function processDue(
  s: CartState,
  now: number,
  policy: CartPolicy,
  facts: ContactFacts = factsFromCart(s, policy),
  buckets: VariantBuckets = {},
): Progress {
  const journal: JournalEntry[] = []
  let n = s
  // Each run is at most given its variant once and decided once.
  for (let guard = 0; guard < 2 * s.runs.length + 1; guard++) {
    if (!running(n) || n.runs.some((r) => r.status === 'sending')) break
    const due = n.runs.filter((r) => OPEN.has(r.status) && (r.notBefore ?? r.dueAt) <= now)
    const run = due[0]
    if (!run) break
    const latest = Math.max(...due.map((r) => r.dueAt))
    const skip = (reason: string) => {
      n = update(n, run.id, { status: 'skipped', at: now, reason, notBefore: null })
      journal.push({
        at: now,
        type: 'message.skipped',
        source: 'timer',
        step: run.id,
        channel: run.channel,
        reason,
      })
    }
    const found = policy.sequence.find((x) => x.id === run.id && x.channel === run.channel)
    if (!found) {
      skip('step_removed')
      continue
    }
    // Given its variant first: a later variant's time may not have come, so the run is not
    // caught up by a step due meanwhile.
    if (found.variants && run.variant === null) {
      const given = giveVariant(n, run, found, buckets, now)
      n = given.state
      journal.push(given.entry)
      continue // decided on the next turn, at its variant's own time
    }
    if (run.dueAt < latest) {
      skip('caught_up')
      continue
    }
    const step = asVariant(found, run.variant).step
    const decision = decideStep(step, {
      now,
      abandonedAt: abandonDue(n) ?? now,
      smsSentThisAbandonment: textedRuns(n).length,
      quietHours: policy.quietHours,
      contact: facts,
    })
    if (decision.action === 'skip') {
      skip(decision.reason)
      continue
    }
    if (decision.action === 'defer') {
      n = update(n, run.id, {
        status: 'deferred',
        notBefore: decision.until,
        reason: decision.reason,
      })
      journal.push({
        at: now,
        type: 'message.deferred',
        source: 'timer',
        step: run.id,
        channel: run.channel,
        reason: decision.reason,
        until: new Date(decision.until).toISOString(),
      })
      continue
    }
    n = update(n, run.id, { status: 'sending', at: now, reason: null, notBefore: null })
    const key = messageKey(n, run.id, run.channel)
    return {
      state: n,
      effects: [{ type: 'send_message', stepId: run.id, channel: run.channel, key }],
      journal,
    }
  }
  return { state: n, effects: [], journal }
}

/** Each running step experiment's bucket for this cart, by experiment id (the shell's HMAC). */
export type VariantBuckets = Readonly<Record<string, number>>

/**
 * Gives a due run its variant: from the cart's bucket in the step's experiment, or the step's
 * own content, outside the experiment, when there is no bucket for it (the shell did not work
 * one out: never guessed into a variant). A variant with a later delay waits for its time.
 */
function giveVariant(
  s: CartState,
  run: StepRun,
  step: Step,
  buckets: VariantBuckets,
  now: number,
): { state: CartState; entry: JournalEntry } {
  const id = step.experiment?.id ?? null
  const bucket = id === null ? undefined : buckets[id]
  const variant = bucket === undefined ? FIRST_VARIANT : pickVariant(step, bucket)
  const experiment = bucket === undefined ? null : id
  const given = { ...run, variant, experiment, variantAt: now }
  const dueAt = runDueAt(abandonDue(s) ?? now, step, given)
  // Decided afresh at its variant's time: a deferral made before (quiet hours) no longer holds.
  const fresh = { ...given, dueAt, status: 'scheduled' as const, notBefore: null, reason: null }
  const runs = s.runs.map((r) => (r.id === run.id ? fresh : r))
  runs.sort((a, b) => a.dueAt - b.dueAt)
  const entry: JournalEntry = {
    at: now,
    type: 'experiment.variant',
    source: 'timer',
    step: run.id,
    variant,
    experiment,
    dueAt: new Date(dueAt).toISOString(),
  }
  return { state: { ...s, runs }, entry }
}

/** The shell reports how a send ended. */
export function settleRun(
  s: CartState,
  stepId: string,
  outcome: 'sent' | 'failed' | 'skipped',
  messageId: string | null,
  reason: string | null,
  now: number,
  coupon: string | null = null,
): Progress {
  const run = s.runs.find((r) => r.id === stepId)
  if (run?.status !== 'sending') return { state: s, effects: [], journal: [] }
  const state = update(s, stepId, { status: outcome, at: now, messageId, reason, coupon })
  const entry: JournalEntry = {
    at: now,
    type: `message.${outcome}`,
    source: 'timer',
    step: stepId,
    channel: run.channel,
    messageId,
    reason,
  }
  return { state, effects: [], journal: [entry] }
}
