/**
 * Runs a cart's outbox: reports to the queue, and each step's message through the send pipeline
 * (`services/delivery/send.ts`), recording every outcome in the outbox before the cart's run is
 * settled. The cart object owns the state; this module reaches it only through `CartHost`.
 */
import type { Adapters } from '../adapters'
import { getConfig } from '../config'
import { liveRun } from '../domain/cart/live'
import type { Report } from '../domain/cart/report'
import { messageKey } from '../domain/cart/runs'
import type { CartEvent, CartState } from '../domain/cart/types'
import type { CartPolicy } from '../domain/store/settings'
import { log } from '../lib/log'
import { messageIdFor } from '../services/delivery/codes'
import { recordSend, type SendContext, sendStep, withdraw } from '../services/delivery/send'
import type { CartReports } from './cart-reports'
import { MAX_ROWS_PER_FLUSH, mayRetry, type Outbox, type OutboxRow, type OutboxRun } from './outbox'
import { contactStub } from './stubs'

/** What the runner needs of the cart object (read afresh at every use: events run meanwhile). */
export type CartHost = {
  env: Env
  outbox: Outbox
  adapters(): Adapters
  clock(): number
  state(): CartState | null
  /** The cart's report, published from the state (`cart-reports.ts`). */
  reports(): CartReports
  policy(): CartPolicy
  /** Settles a run through the cart's machine (`message.settled`). */
  settle(s: Omit<Extract<CartEvent, { type: 'message.settled' }>, 'type'>): Promise<void>
}

/** The cart's outbox runner: one flush at a time; a second caller leaves it to the first. */
export class CartDelivery {
  private flushing = false
  constructor(private readonly host: CartHost) {}

  async flush(): Promise<void> {
    if (this.flushing) return
    this.flushing = true
    try {
      await flush(this.host)
    } finally {
      this.flushing = false
    }
  }
}

/**
 * Runs due rows one at a time until none is left (at most `MAX_ROWS_PER_FLUSH`), the cart's
 * report first whenever one is owed. Rows and revisions added meanwhile (the next step, a
 * settled run) are picked up by the same loop.
 */
async function flush(host: CartHost): Promise<void> {
  await reconcile(host)
  for (let i = 0; i < MAX_ROWS_PER_FLUSH; i++) {
    await publishOwed(host)
    const row = host.outbox.due(host.clock())
    if (!row) break
    try {
      if (row.kind === 'report') await sendReport(host, row)
      else await deliver(host, row)
    } catch (err) {
      // A fault mid-send must not fail the caller (a beacon, a click). The row stays as it
      // was (`sending` for a message) and is looked at again when its time comes.
      log('error', 'outbox row failed', { id: row.id, error: String(err) })
      break
    }
  }
  await publishOwed(host)
}

/**
 * The current state's report, if it is owed; again while events committed during the send
 * (their own flush left it to this one). One still owed after that waits for the next wake.
 */
async function publishOwed(host: CartHost): Promise<void> {
  for (let i = 0; i < MAX_ROWS_PER_FLUSH; i++) {
    const state = host.state()
    const reports = host.reports()
    // An item change that waits goes with the object's alarm (`CartReports.dueAt`).
    if (!reports.owed(state) || reports.waits(state, host.clock())) return
    const sink = host.adapters().reports
    await reports.publish(state, sink, host.outbox, host.clock, () => host.state() !== null)
  }
}

/** Settles runs left `sending` whose row already finished (a crash between the two). */
async function reconcile(host: CartHost): Promise<void> {
  const state = host.state()
  if (!state) return
  const sending = state.runs
    .filter((r) => r.status === 'sending')
    .map((r) => ({ stepId: r.id, channel: r.channel, key: messageKey(state, r.id, r.channel) }))
  for (const s of host.outbox.reconcile(sending, host.clock())) {
    // A text that may have gone keeps its message id (its row is listed).
    const listed = s.outcome === 'sent' || s.reason === 'outcome_unknown'
    const messageId = listed ? await messageIdFor(s.key) : null
    await host.settle({ stepId: s.stepId, outcome: s.outcome, messageId, reason: s.reason })
  }
}

async function sendReport(host: CartHost, row: OutboxRow): Promise<void> {
  const result = await host.adapters().reports.publish(JSON.parse(row.body) as Report)
  if (result.ok) return host.outbox.delivered(row)
  host.outbox.retryLater(row, result.code, host.clock())
  log('warn', 'report send failed; will retry', { id: row.id, code: result.code })
}

/**
 * Sends one step's message at most once. Found `sending` again (a crash, a fault), it is
 * prepared and sent again. Found `calling`, it is resent only to a provider that drops repeats
 * of the same key; otherwise it is settled with an unknown outcome (`settleUnknown`).
 */
async function deliver(host: CartHost, found: OutboxRow): Promise<void> {
  const run = JSON.parse(found.body) as OutboxRun
  const ctx = context(host, run, found)
  const channel = run.channel === 'email' ? host.adapters().email : host.adapters().sms
  // A call cut off mid-way may have gone, even if its step was stopped since: settled (and
  // counted) before the run is looked at.
  if (found.state === 'calling' && !channel.idempotent) return settleUnknown(host, found, run)
  // Stopped meanwhile (order, opt-out, archive, emptied, superseded, erased): never send.
  const current = liveRun(host.state(), run)
  if (!current) return notSent(host, ctx, found, run, 'cancelled')
  let row: OutboxRow | null = found
  if (found.state !== 'pending') {
    row = host.outbox.resume(found)
    if (!row) {
      await notSent(host, ctx, found, run, 'interrupted')
      return host.settle({
        stepId: run.stepId,
        outcome: 'failed',
        messageId: null,
        reason: 'interrupted',
      })
    }
  }
  host.outbox.mark(row.id, 'sending', host.clock())
  const outcome = await sendStep(ctx, run, current, mayRetry(row))
  const state = host.state()
  if (outcome.type === 'done' && !state) return // erased while we sent: keep nothing
  host.outbox.record(row, outcome, host.clock())
  await recordSend(ctx, run, outcome, found.state === 'calling')
  if (outcome.type === 'not_sent' && outcome.skipped) {
    return host.settle({
      stepId: run.stepId,
      outcome: 'skipped',
      messageId: null,
      reason: outcome.reason,
    })
  }
  if (outcome.type !== 'done' || !state) return
  const { result, report } = outcome
  const unknown = !result.ok && result.code === 'outcome_unknown'
  if (run.channel === 'sms' && (result.ok || unknown)) {
    const ref = { storeId: state.storeId, channel: 'sms' as const, address: outcome.to }
    await contactStub(host.env.CONTACT, ref).recordText(report.createdAt, state.cartId)
  }
  await host.settle({
    stepId: run.stepId,
    outcome: result.ok ? 'sent' : 'failed',
    messageId: result.ok || unknown ? report.id : null,
    reason: result.ok ? null : result.code,
    coupon: outcome.coupon,
  })
}

function context(host: CartHost, run: OutboxRun, row: OutboxRow): SendContext {
  return {
    db: host.env.DB,
    get secret() {
      return getConfig(host.env).SIGNING_SECRET
    },
    adapters: host.adapters(),
    get policy() {
      return host.policy()
    },
    clock: () => host.clock(),
    live: () => liveRun(host.state(), run),
    calling: () => host.outbox.mark(row.id, 'calling', host.clock()),
    queueReport: (r) => host.outbox.putMessageReport(r.id, JSON.stringify(r), host.clock()),
  }
}

/** Ends a row that is not sent; a text listed `unknown` is withdrawn unless it was `calling`. */
async function notSent(
  host: CartHost,
  ctx: SendContext,
  row: OutboxRow,
  run: OutboxRun,
  reason: string,
): Promise<void> {
  host.outbox.finish(row.id, 'failed', reason)
  if (row.state !== 'calling') await withdraw(ctx, run, reason)
}

/**
 * A text cut off mid-call (a crash or restart while `calling`): Twilio may have taken it, and
 * it has no idempotency key, so it is never resent (a duplicate text is worse than a missing
 * one). Its message row, written `unknown` before the call, stays for the status callback to
 * settle; the text counts toward the contact's daily cap from now (never earlier than it may
 * have gone: the cap errs on the side of fewer texts).
 */
async function settleUnknown(host: CartHost, row: OutboxRow, run: OutboxRun): Promise<void> {
  host.outbox.finish(row.id, 'failed', 'outcome_unknown')
  const state = host.state()
  const phone = state?.contact.phone ?? null
  if (run.channel === 'sms' && phone && state) {
    const ref = { storeId: state.storeId, channel: 'sms' as const, address: phone }
    await contactStub(host.env.CONTACT, ref).recordText(host.clock(), state.cartId)
  }
  const messageId = await messageIdFor(run.key)
  await host.settle({ stepId: run.stepId, outcome: 'failed', messageId, reason: 'outcome_unknown' })
}
