/**
 * One step's send, end to end: coupon → message → checks right before the provider (still
 * live, quiet hours; suppression is checked while building) → provider call. Returns what came
 * of it; the caller records that in its outbox first, then calls `recordSend`, then settles the
 * cart's run.
 */
import type { Adapters } from '../../adapters'
import type { SendResult } from '../../adapters/types'
import { withdrawMessage, writeMessageReports } from '../../db/projection'
import type { QueuedSend } from '../../domain/cart/live'
import { stepOfRun } from '../../domain/cart/runs'
import type { CartState, StepRun } from '../../domain/cart/types'
import type { MessageReport } from '../../domain/message/report'
import { quietUntil } from '../../domain/sequence/quiet-hours'
import type { CartPolicy } from '../../domain/store/settings'
import { log } from '../../lib/log'
import { type Built, buildMessage } from './build'
import { messageIdFor } from './codes'
import { issueCoupon } from './coupon'

export type SendContext = {
  db: D1Database
  secret: string
  adapters: Pick<Adapters, 'email' | 'sms' | 'coupons'>
  policy: CartPolicy
  clock: () => number
  /** The cart and its run if this send may still go out; asked again after the awaits. */
  live: () => { state: CartState; run: StepRun } | null
  /** Marks the send `calling`: from here the message may have left. */
  calling: () => void
  /** A message row D1 did not take goes by the queue instead (through the outbox). */
  queueReport: (report: MessageReport) => void
}

/** What came of one send. */
export type SendOutcome =
  /** Nothing left; try again later (`withdraw`: a text listed `unknown` says it did not go). */
  | { type: 'retry'; reason: string; withdraw: boolean }
  /** Not sent and never will be (`skipped`: the run settles as skipped; else it was stopped). */
  | { type: 'not_sent'; reason: string; skipped: boolean }
  /** A text that drifted into quiet hours waits until `until` (no attempt spent). */
  | { type: 'wait'; until: number }
  /** The provider answered (or did not: `outcome_unknown`). */
  | { type: 'done'; result: SendResult; report: MessageReport; coupon: string | null; to: string }

/**
 * Runs one send. `mayRetry`: whether a retryable failure may be tried again (attempts left).
 * The message is made from the time the step was decided, so a retry sends the very same
 * message under the same key.
 */
export async function sendStep(
  ctx: SendContext,
  send: QueuedSend,
  current: { state: CartState; run: StepRun },
  mayRetry: boolean,
): Promise<SendOutcome> {
  const { policy } = ctx
  const decidedAt = current.run.at ?? ctx.clock()
  const step = stepOfRun(policy, current.run)?.step
  const coupon = step
    ? await issueCoupon({
        db: ctx.db,
        secret: ctx.secret,
        coupons: ctx.adapters.coupons,
        cart: current.state,
        step,
        key: send.key,
        now: decidedAt,
        storeCurrency: policy.currency,
      })
    : null
  if (coupon && !coupon.ok) {
    if (coupon.retryable && mayRetry)
      return { type: 'retry', reason: coupon.reason, withdraw: false }
    return { type: 'not_sent', reason: coupon.reason, skipped: true }
  }
  const incentive = coupon?.ok ? coupon.incentive : null
  const built = await buildMessage({
    db: ctx.db,
    secret: ctx.secret,
    cart: current.state,
    policy,
    run: send,
    variant: current.run,
    now: decidedAt,
    incentive,
  })
  if ('skip' in built) return { type: 'not_sent', reason: built.skip, skipped: true }
  // Check again right before the provider: the awaits above let other events run.
  if (!ctx.live()) return { type: 'not_sent', reason: 'cancelled', skipped: false }
  if (built.channel === 'sms') {
    const zone = current.state.contact.timezone
    // The store's hours as they are now (a change made during the awaits above counts).
    const until = quietUntil(ctx.policy.quietHours, built.sms.to, zone, ctx.clock())
    if (until !== null) return { type: 'wait', until }
  }
  const now = ctx.clock()
  const result = await call(ctx, send, built, now)
  if (!result.ok && result.retryable && mayRetry) {
    // Refused (a 429, a 5xx from Resend): nothing left.
    return { type: 'retry', reason: result.code, withdraw: true }
  }
  const provider =
    built.channel === 'email' ? ctx.adapters.email.provider : ctx.adapters.sms.provider
  const unknown = !result.ok && result.code === 'outcome_unknown'
  const report: MessageReport = {
    ...built.report,
    // Twilio reports queued, sent, delivered later (status callback); the rest is final now.
    status: result.ok
      ? provider === 'twilio'
        ? 'accepted'
        : 'sent'
      : unknown
        ? 'unknown'
        : 'failed',
    provider,
    providerId: result.ok ? result.providerId : null,
    error: result.ok ? null : result.code,
    createdAt: now,
    updatedAt: ctx.clock(),
  }
  const to = built.channel === 'sms' ? built.sms.to : built.email.to
  return { type: 'done', result, report, coupon: result.ok ? (incentive?.code ?? null) : null, to }
}

/**
 * The provider call. `calling` is marked right before it, and for a provider without
 * idempotency (Twilio) only after the message row is listed `unknown`: a crash from there on
 * may have sent the text, and its status callback (?m=<id>) finds the row.
 */
async function call(
  ctx: SendContext,
  send: QueuedSend,
  built: Extract<Built, { channel: 'email' | 'sms' }>,
  now: number,
): Promise<SendResult> {
  if (built.channel === 'email') {
    ctx.calling()
    return ctx.adapters.email.send(built.email, { idempotencyKey: send.key })
  }
  const sms = ctx.adapters.sms
  if (!ctx.policy.smsFrom && sms.provider !== 'outbox') {
    return {
      ok: false,
      retryable: false,
      code: 'no_sms_sender',
      message: 'The store has no Messaging Service or number.',
    }
  }
  if (!sms.idempotent) {
    await recordMessage(ctx, {
      ...built.report,
      status: 'unknown',
      provider: sms.provider,
      providerId: null,
      error: null,
      createdAt: now,
      updatedAt: now,
    })
  }
  ctx.calling()
  const from = ctx.policy.smsFrom ?? { number: 'outbox' }
  return sms.send({ ...built.sms, from }, { idempotencyKey: send.key })
}

/**
 * The D1 side of an outcome, once the outbox has recorded it: the message row (sent, failed,
 * unknown), or a text listed `unknown` before its call withdrawn when it did not go.
 * `wasCalling`: the row was found `calling` (the text may have gone: never withdrawn).
 */
export async function recordSend(
  ctx: SendContext,
  send: QueuedSend,
  outcome: SendOutcome,
  wasCalling: boolean,
): Promise<void> {
  if (outcome.type === 'done') return recordMessage(ctx, outcome.report)
  if (outcome.type === 'retry' && !outcome.withdraw) return
  if (outcome.type === 'not_sent' && wasCalling) return
  const reason = outcome.type === 'wait' ? 'quiet_hours' : outcome.reason
  await withdraw(ctx, send, reason)
}

/** A text listed `unknown` that did not leave now says `failed` with `reason`. */
export async function withdraw(
  ctx: Pick<SendContext, 'db' | 'adapters'>,
  send: QueuedSend,
  reason: string,
): Promise<void> {
  if (send.channel !== 'sms' || ctx.adapters.sms.idempotent) return
  try {
    await withdrawMessage(ctx.db, await messageIdFor(send.key), reason)
  } catch (err) {
    log('warn', 'unsent text not withdrawn', { key: send.key, error: String(err) })
  }
}

/**
 * The message row goes to D1 now, so provider webhooks that come back fast find it; the Queue
 * is the fallback when D1 does not answer.
 */
async function recordMessage(ctx: SendContext, report: MessageReport): Promise<void> {
  try {
    await writeMessageReports(ctx.db, [report])
  } catch (err) {
    log('warn', 'message row via queue', { error: String(err) })
    ctx.queueReport(report)
  }
}
