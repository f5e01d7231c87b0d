import { DurableObject } from 'cloudflare:workers'
import { type Adapters, createAdapters } from '../adapters'
import { PROVIDER_TIMEOUT_MS, type SendResult } from '../adapters/types'
import { getConfig } from '../config'
import { withdrawMessage, writeMessageReports } from '../db/projection'
import { cachedStoreById } from '../db/stores'
import { newCart, next, takesOrder, wakeAt } from '../domain/cart/machine'
import { cartReport, type Report } from '../domain/cart/report'
import { messageKey, running } from '../domain/cart/runs'
import { parseState } from '../domain/cart/schema'
import type {
  Beacon,
  CartEvent,
  CartState,
  JournalEntry,
  MerchantAction,
  OrderReport,
  Refusal,
} from '../domain/cart/types'
import type { MessageReport } from '../domain/message/report'
import type { ContactFacts } from '../domain/sequence/policy'
import { isAllowedAt, nextAllowedTime, recipientWindow } from '../domain/sequence/quiet-hours'
import { type CartPolicy, cartPolicy } from '../domain/store/settings'
import { log } from '../lib/log'
import { type Built, buildMessage } from '../services/delivery/build'
import { messageIdFor } from '../services/delivery/codes'
import { issueCoupon } from '../services/delivery/coupon'
import type { ClaimRequest } from './stubs'
import { type CartRef, contactStub, orderStub } from './stubs'

export type CartSnapshot = { state: CartState; journal: JournalEntry[] }
export type ApplyResult = { state: CartState; refused?: Refusal }
/** `state` is null when the beacon created nothing (an order this cart may not claim). */
export type IngestResult = {
  state: CartState | null
  refused?: Refusal
  /** The contact objects need to hear of this beacon. */
  linkContacts: boolean
}

/**
 * What the webhook's order did to a cart: taken (`displaced`: carts whose storefront report of
 * it must be undone, see `ClaimResult`), or why not: `claimed` (`holder` has it), `stranger`
 * (the cart's contact is not the order's billing contact), `unavailable` (the order's claim
 * could not be reached; retry).
 */
export type TakeResult =
  | { taken: true; state: CartState; displaced: string[] }
  | {
      taken: false
      reason: 'no_cart' | 'erased' | 'refused' | 'claimed' | 'stranger' | 'unavailable'
      holder?: string
    }

/** The order's billing contact, normalised as cart contacts are. */
export type Billing = { email: string | null; phone: string | null }

/** Storage layout version, run in the constructor; add a step when the layout changes. */
const SCHEMA_VERSION = 3
/**
 * The stored journal's hard cap, enforced on every write: the cart's first entries (how it
 * began) and its latest ones. What falls between is dropped and counted (`journalTrimmed`).
 */
export const JOURNAL_KEEP_FIRST = 50
export const JOURNAL_KEEP_LAST = 450
/** A stored entry's largest JSON length; a larger one keeps its type, time and source only. */
const MAX_ENTRY_CHARS = 4096
const RETRY_BASE_MS = 5_000
const RETRY_MAX_MS = 10 * 60_000
/**
 * A send still `sending` or `calling` this long after it started is looked at again (a crash
 * mid-send). Longer than the calls one send makes (a coupon, the message), each bounded by the
 * timeout.
 */
const SENDING_TIMEOUT_MS = 3 * PROVIDER_TIMEOUT_MS
/** Retryable provider errors are tried this many times, then the step fails with the reason. */
const MAX_SEND_ATTEMPTS = 5
const MAX_ROWS_PER_FLUSH = 25
/** An alarm that cannot read the store's settings comes back after this long. */
const SETTINGS_RETRY_MS = 60_000

/**
 * A message row goes `pending` → `sending` (coupon, rendering: nothing has left yet) →
 * `calling` (the provider call is in flight: it may have left) → `sent` | `failed`.
 */
type OutboxRow = {
  id: string
  kind: 'report' | 'message'
  body: string
  state: 'pending' | 'sending' | 'calling'
  attempts: number
}
/** A message row's body: the step it sends and its key (also its idempotency key). */
type OutboxRun = { stepId: string; channel: 'email' | 'sms'; key: string }

/**
 * One shopping cart. Loads state, runs the pure `next`, persists state, journal and outbox in
 * one transaction, sets the single alarm, then runs the outbox. Safe to repeat: alarms are
 * at-least-once and the outbox is re-run on the next wake.
 */
export class CartObject extends DurableObject<Env> {
  private state: CartState | null = null
  /** The newest store settings this cart has seen; stored only when they change. */
  private known: CartPolicy | null = null
  private flushing = false
  protected adapters: Adapters

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.adapters = createAdapters(env)
    ctx.blockConcurrencyWhile(async () => {
      this.migrate()
      this.state = parseState(this.ctx.storage.kv.get('state'))
      const stored = this.ctx.storage.kv.get<CartPolicy>('policy')
      // Copies stored before settings had a version are older than any the store has now.
      this.known = stored ? { ...stored, version: stored.version ?? 0 } : null
    })
  }

  /**
   * A beacon from the storefront; creates the cart on first sight. An order beacon that this
   * cart may not claim (see `claimOrder`) changes nothing and creates nothing.
   */
  async ingest(
    ref: CartRef,
    beacon: Beacon,
    policy: CartPolicy,
    currency: string,
  ): Promise<IngestResult> {
    const order = beacon.kind === 'order' ? beacon.order : undefined
    // The claim and the order's application are one step for the cart: nothing can run between
    // them and make the cart refuse an order it has claimed.
    const done = order
      ? await this.ctx.blockConcurrencyWhile(async () =>
          (await this.claimOrder(ref, order.id, beacon))
            ? this.commitBeacon(ref, beacon, policy, currency)
            : null,
        )
      : this.commitBeacon(ref, beacon, policy, currency)
    if (!done) return { state: this.state, linkContacts: false }
    await this.afterCommit()
    const { before, result } = done
    // The contact objects need to hear of this beacon only when it says something new about
    // the person: an address, consent, or the shopper back on a superseded cart.
    const after = result.state.contact
    const linkContacts =
      after.email !== before.contact.email ||
      after.phone !== before.contact.phone ||
      (beacon.consents?.length ?? 0) > 0 ||
      (before.supersededBy !== null && result.state.supersededBy === null)
    return { ...result, linkContacts }
  }

  private commitBeacon(ref: CartRef, beacon: Beacon, policy: CartPolicy, currency: string) {
    const created = this.state === null
    const before =
      this.state ?? newCart(ref.storeId, ref.cartId, currency, Date.now(), this.revisionFloor())
    const extra: JournalEntry[] = created
      ? [{ at: Date.now(), type: 'cart.created', source: 'storefront' }]
      : []
    const result = this.commit(before, { type: 'beacon.received', beacon }, policy, extra)
    return { before, result }
  }

  /**
   * Whether this cart takes the order a beacon reports, and won its id. Only a cart that holds
   * or held items and will take the order (`takesOrder`: no paid order of its own, or this one)
   * asks for the id, so a cart claims at most one order id it does not already hold; and the
   * storefront never takes an id another cart holds: a reloaded thank-you page (a fresh cart id)
   * or one opened in another browser reports it again under another cart (issue 11). Runs
   * while the cart blocks other events.
   */
  private async claimOrder(ref: CartRef, orderId: string, beacon: Beacon): Promise<boolean> {
    if ((beacon.items?.length ?? 0) === 0 && !this.hadItems()) return false
    if (this.state && !takesOrder(this.state, orderId)) return false
    const orderRef = { storeId: ref.storeId, orderId }
    // A throw here would reset this object (it runs in blockConcurrencyWhile) and cut off a
    // text it is sending: the beacon is dropped instead, as a claim not won.
    const held = await orderStub(this.env.ORDER, orderRef)
      .claim(orderRef, { cart: ref.cartId, by: 'storefront' })
      .catch((err: unknown) => {
        log('warn', 'order claim unavailable; order beacon dropped', {
          ...orderRef,
          cartId: ref.cartId,
          error: String(err),
        })
        return null
      })
    return held?.cart === ref.cartId
  }

  /**
   * An order from the signed WooCommerce webhook. When the cart exists and takes the order, it
   * claims the id (`claim`: see `ClaimRequest`) and applies the order in one step, so a claim
   * never stays with a cart that refused it. With `billing`, the cart takes the order only if
   * its contact is the order's billing email or phone.
   */
  async takeOrder(
    ref: CartRef,
    order: OrderReport,
    policy: CartPolicy,
    claim: Pick<ClaimRequest, 'named' | 'over'> = {},
    billing?: Billing,
  ): Promise<TakeResult> {
    const outcome = await this.ctx.blockConcurrencyWhile(async (): Promise<TakeResult> => {
      const s = this.state
      if (!s) {
        const erased = this.ctx.storage.kv.get<number>('revisionFloor') !== undefined
        return { taken: false, reason: erased ? 'erased' : 'no_cart' }
      }
      if (!takesOrder(s, order.id)) return { taken: false, reason: 'refused' }
      if (billing && !billedTo(s, billing)) return { taken: false, reason: 'stranger' }
      const orderRef = { storeId: ref.storeId, orderId: order.id }
      // Caught: a throw would reset this object mid-send (see `claimOrder`); the caller retries.
      const held = await orderStub(this.env.ORDER, orderRef)
        .claim(orderRef, { ...claim, cart: ref.cartId, by: 'webhook' })
        .catch((err: unknown) => {
          log('warn', 'order claim unavailable', { ...orderRef, error: String(err) })
          return null
        })
      if (!held) return { taken: false, reason: 'unavailable' }
      if (held.cart !== ref.cartId) return { taken: false, reason: 'claimed', holder: held.cart }
      const result = this.commit(s, { type: 'order.reported', order }, policy)
      return { taken: true, state: result.state, displaced: held.displaced }
    })
    if (outcome.taken) await this.afterCommit()
    return outcome
  }

  /** A signed webhook credited cart `to` with the order this cart's storefront reported. */
  async orderMoved(orderId: string, to: string): Promise<void> {
    if (!this.state) return
    await this.apply(this.state, { type: 'order.moved', orderId, to }, null)
  }

  /** The cart has items, or had some (emptied at checkout, abandoned, ordered). */
  private hadItems(): boolean {
    const s = this.state
    if (!s) return false
    if (s.items.length > 0 || s.abandonedAt !== null || s.order !== null) return true
    return (
      this.ctx.storage.sql
        .exec(
          "SELECT 1 FROM journal WHERE type = 'cart.updated' AND json_extract(entry, '$.itemCount') > 0 LIMIT 1",
        )
        .toArray().length > 0
    )
  }

  /** Whether the cart exists (not erased): a restore link's GET asks only this. */
  async exists(): Promise<boolean> {
    return this.state !== null
  }

  /**
   * The storefront rebuilt the cart from a restore link. `recorded` is false for a repeat of a
   * link already recorded this episode. Null when the cart does not exist (erased).
   */
  async recordRestore(
    step: string | null,
    policy: CartPolicy,
  ): Promise<(ApplyResult & { recorded: boolean }) | null> {
    if (!this.state) return null
    const before = this.state.restores.length
    const result = await this.apply(this.state, { type: 'restore.rebuilt', step }, policy)
    return { ...result, recorded: result.state.restores.length > before }
  }

  /** The shopper unsubscribed this cart's address; returns it so the caller can suppress it. */
  async unsubscribed(channel: 'email' | 'sms', source: string): Promise<string | null> {
    if (!this.state) return null
    const address = channel === 'email' ? this.state.contact.email : this.state.contact.phone
    await this.apply(this.state, { type: 'contact.unsubscribed', channel, source }, null)
    return address ?? null
  }

  /** A provider event about one of this cart's messages, for the timeline. */
  async noteMessageEvent(e: { messageId: string; step: string; event: string; at: number }) {
    if (!this.state) return
    await this.apply(this.state, { type: 'message.event', ...e }, null)
  }

  /** A message sent for this cart outside its sequence (the SMS opt-in request). */
  async noteMessage(
    m: Omit<Extract<CartEvent, { type: 'message.recorded' }>, 'type'>,
  ): Promise<void> {
    if (!this.state) return
    await this.apply(this.state, { type: 'message.recorded', ...m }, this.policy())
  }

  async act(action: MerchantAction, policy: CartPolicy): Promise<ApplyResult | null> {
    if (!this.state) return null
    return this.apply(this.state, { type: 'merchant.acted', action }, policy)
  }

  async snapshot(): Promise<CartSnapshot | null> {
    if (!this.state) return null
    const sql = this.ctx.storage.sql
    // The same window the cap keeps, so a cart stored before the cap reads no more than it.
    const rows = sql
      .exec<{ entry: string }>(
        `SELECT entry FROM journal
         WHERE seq IN (SELECT seq FROM journal ORDER BY seq LIMIT ?)
            OR seq IN (SELECT seq FROM journal ORDER BY seq DESC LIMIT ?)
         ORDER BY seq`,
        JOURNAL_KEEP_FIRST,
        JOURNAL_KEEP_LAST,
      )
      .toArray()
    const journal = rows.map((r) => JSON.parse(r.entry) as JournalEntry)
    // Where entries were dropped, the timeline says how many.
    const { n } = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM journal').one()
    const trimmed =
      (this.ctx.storage.kv.get<number>('journalTrimmed') ?? 0) + Math.max(0, n - rows.length)
    const gap = journal[JOURNAL_KEEP_FIRST]
    if (trimmed > 0 && gap) {
      journal.splice(JOURNAL_KEEP_FIRST, 0, {
        at: gap.at,
        type: 'journal.trimmed',
        source: 'timer',
        count: trimmed,
      })
    }
    return { state: this.state, journal }
  }

  /**
   * Erases everything this cart holds (state, journal, consent, outbox, alarm). Keeps only a
   * revision floor so a reused cart id starts above every report already in flight.
   */
  async erase(
    opts: { unchangedSince?: number } = {},
  ): Promise<{ revision: number; phone?: string } | { kept: true } | null> {
    // Erasing again answers with the same floor, so a caller can retry the D1 part.
    if (!this.state) {
      const floor = this.ctx.storage.kv.get<number>('revisionFloor')
      const phone = this.ctx.storage.kv.get<string>('erasedPhone')
      if (floor === undefined) return null
      return phone ? { revision: floor, phone } : { revision: floor }
    }
    // Retention: checked here, in the same turn as the erase, so no event slips in between.
    if (opts.unchangedSince !== undefined && this.state.updatedAt >= opts.unchangedSince) {
      return { kept: true }
    }
    const revision = this.state.revision
    const phone = this.state.contact.phone
    await this.ctx.storage.deleteAlarm()
    await this.ctx.storage.deleteAll()
    this.migrate()
    this.known = null
    this.ctx.storage.kv.put('revisionFloor', revision)
    // Kept so that a retried delete can still forget the SMS thread (the phone alone, no cart).
    if (phone) this.ctx.storage.kv.put('erasedPhone', phone)
    this.state = null
    return phone ? { revision, phone } : { revision }
  }

  /**
   * Steps are decided and sent from the store's settings as they are now, not from the copy
   * the last beacon brought: an abandoned cart gets no more beacons.
   */
  override async alarm(): Promise<void> {
    if (!this.state) return
    const policy = await this.currentPolicy(this.state.storeId)
    if (!policy || !this.state) return
    const contact = await this.contactFacts(this.state, policy)
    if (!this.state) return
    await this.apply(this.state, { type: 'timer.fired', contact }, policy)
  }

  /**
   * The store's current settings (cached per isolate for a few seconds). Null when D1 cannot
   * be read: the alarm comes back shortly rather than act on settings that may be stale.
   */
  private async currentPolicy(storeId: string): Promise<CartPolicy | null> {
    const known = this.policy()
    try {
      const store = await cachedStoreById(this.env.DB, storeId)
      // Stores are never deleted; without the row, the cart's own copy is all there is.
      return store ? cartPolicy(store, known.baseUrl) : known
    } catch (err) {
      log('warn', 'store settings unavailable; alarm retried', { storeId, error: String(err) })
      await this.ctx.storage.setAlarm(Date.now() + SETTINGS_RETRY_MS)
      return null
    }
  }

  /** A newer cart of the same contact took over: this one's sequence stops. */
  async supersede(by: string): Promise<void> {
    if (!this.state || by === this.state.cartId) return
    await this.apply(this.state, { type: 'sequence.superseded', by }, null)
  }

  /** The shopper answered a text with a keyword (STOP, YES, HELP): for the timeline. */
  /** The shopper's text and what came of it, for the timeline (`sms.<keyword>`). */
  async replied(
    keyword: string,
    detail?: Record<string, string | number | boolean | null>,
  ): Promise<void> {
    if (!this.state) return
    await this.apply(
      this.state,
      { type: 'contact.replied', keyword, ...(detail ? { detail } : {}) },
      null,
    )
  }

  /**
   * What the contact objects know and the cart does not: suppression, reply-YES confirmation,
   * the latest consent and every text the phone got (any cart). Asked only when the sequence
   * may act, so an ordinary alarm costs nothing.
   */
  private async contactFacts(s: CartState, policy: CartPolicy): Promise<Partial<ContactFacts>> {
    const acting =
      s.status === 'abandoned' ||
      s.status === 'restored' ||
      (s.status === 'active' && s.items.length > 0)
    if (!acting) return {}
    const facts: Partial<ContactFacts> = {}
    const ns = this.env.CONTACT
    if (s.contact.phone) {
      const ref = { storeId: s.storeId, channel: 'sms' as const, address: s.contact.phone }
      const f = await contactStub(ns, ref).facts(ref)
      facts.smsSuppressed = f.suppressed
      facts.smsOptInConfirmed = !policy.smsDoubleOptIn || f.optIn === 'confirmed'
      if (f.consent) facts.smsConsent = f.consent
      facts.recentTexts = f.recentTexts
    }
    if (s.contact.email) {
      const ref = { storeId: s.storeId, channel: 'email' as const, address: s.contact.email }
      const f = await contactStub(ns, ref).facts(ref)
      facts.emailSuppressed = f.suppressed
    }
    // A beacon may have changed the phone or email while we asked: those facts are not theirs.
    const now = this.state?.contact
    if (now?.phone !== s.contact.phone || now?.email !== s.contact.email) return {}
    return facts
  }

  /**
   * Runs one event. `incoming` is the store's policy as the caller read it (null: the cart's
   * own copy); the newer of the two is used and kept.
   */
  private async apply(
    state: CartState,
    event: CartEvent,
    incoming: CartPolicy | null,
    extraJournal: JournalEntry[] = [],
  ): Promise<ApplyResult> {
    const result = this.commit(state, event, incoming, extraJournal)
    await this.afterCommit()
    return result
  }

  /** The synchronous half of `apply`: decides and persists; no await, so nothing runs between. */
  private commit(
    state: CartState,
    event: CartEvent,
    incoming: CartPolicy | null,
    extraJournal: JournalEntry[] = [],
  ): ApplyResult {
    const now = Date.now()
    const policy = this.adopt(incoming)
    const known = this.known
    // The policy is rewritten only when it changes, not with every event.
    const changed = !known || known.version !== policy.version || known.baseUrl !== policy.baseUrl
    const t = next(state, event, now, policy)
    const journal = [...extraJournal, ...t.journal]
    const publish = t.effects.some((e) => e.type === 'publish_report')
    const sql = this.ctx.storage.sql
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.kv.put('state', t.state)
      if (changed) this.ctx.storage.kv.put('policy', policy)
      for (const entry of journal) {
        sql.exec(
          'INSERT INTO journal (at, type, entry) VALUES (?, ?, ?)',
          entry.at,
          entry.type,
          storedEntry(entry),
        )
      }
      if (journal.length > 0) this.trimJournal()
      if (publish) {
        // Only the newest report matters: it replaces any older one still pending.
        sql.exec(
          `INSERT INTO outbox (id, kind, body, state, attempts, next_at) VALUES ('report', 'report', ?, 'pending', 0, ?)
           ON CONFLICT(id) DO UPDATE SET body = excluded.body, state = 'pending', attempts = 0, next_at = excluded.next_at`,
          JSON.stringify(cartReport(t.state)),
          now,
        )
      }
      for (const e of t.effects) {
        if (e.type !== 'send_message') continue
        // The key is the row id: the same step of the same abandonment is queued once, ever.
        sql.exec(
          `INSERT INTO outbox (id, kind, body, state, attempts, next_at) VALUES (?, 'message', ?, 'pending', 0, ?)
           ON CONFLICT(id) DO NOTHING`,
          e.key,
          JSON.stringify({ stepId: e.stepId, channel: e.channel, key: e.key }),
          now,
        )
      }
    })
    this.state = t.state
    this.known = policy
    return t.refused ? { state: t.state, refused: t.refused } : { state: t.state }
  }

  /** The asynchronous half of `apply`: the alarm, then the outbox. */
  private async afterCommit(): Promise<void> {
    await this.schedule()
    await this.flushOutbox()
  }

  /**
   * One alarm: the earliest of the machine's wake time and the outbox's next due row. A row
   * about to be sent counts a few seconds out, so a crash mid-send still wakes us.
   */
  private async schedule(): Promise<void> {
    // Recomputed from the current state, never passed in: other events may have run while
    // this one awaited a provider, and a captured wake time would be stale.
    const wake = this.state ? wakeAt(this.state, this.policy()) : null
    const row = this.ctx.storage.sql
      .exec<{ next_at: number | null }>(
        "SELECT MIN(next_at) AS next_at FROM outbox WHERE state IN ('pending', 'sending', 'calling')",
      )
      .one()
    const retry = row.next_at === null ? null : Math.max(row.next_at, Date.now() + RETRY_BASE_MS)
    const times = [wake, retry].filter((t): t is number => t !== null)
    if (times.length === 0) await this.ctx.storage.deleteAlarm()
    else await this.ctx.storage.setAlarm(Math.min(...times))
  }

  /**
   * Runs due outbox rows one at a time until none is left. Rows added meanwhile (the next
   * step, a report) are picked up by the same loop; a second caller just leaves it to it.
   */
  private async flushOutbox(): Promise<void> {
    if (this.flushing) return
    this.flushing = true
    try {
      await this.reconcile()
      for (let i = 0; i < MAX_ROWS_PER_FLUSH; i++) {
        const row = this.ctx.storage.sql
          .exec<OutboxRow>(
            `SELECT id, kind, body, state, attempts FROM outbox
             WHERE state IN ('pending', 'sending', 'calling') AND next_at <= ? ORDER BY next_at LIMIT 1`,
            Date.now(),
          )
          .toArray()[0]
        if (!row) break
        try {
          if (row.kind === 'report') await this.sendReport(row)
          else await this.deliver(row)
        } catch (err) {
          // A fault mid-send must not fail the caller (a beacon, a click). The row stays as it
          // was (`sending` for a message) and is looked at again when its time comes.
          log('error', 'outbox row failed', { id: row.id, error: String(err) })
          break
        }
      }
    } finally {
      this.flushing = false
    }
    await this.schedule()
  }

  private async sendReport(row: OutboxRow): Promise<void> {
    const result = await this.adapters.reports.publish(JSON.parse(row.body) as Report)
    // Delete only the body we sent: a newer report written meanwhile stays pending.
    if (result.ok) {
      this.ctx.storage.sql.exec('DELETE FROM outbox WHERE id = ? AND body = ?', row.id, row.body)
      return
    }
    this.retryLater(row, result.code)
    log('warn', 'report send failed; will retry', { id: row.id, code: result.code })
  }

  /**
   * Sends one step's message at most once. The row is `sending` while the message is prepared
   * (coupon, rendering: nothing has left) and `calling` from just before the provider call.
   * Found `sending` again (a crash, a fault), it is prepared and sent again. Found `calling`, it
   * is resent only to a provider that drops repeats of the same key; otherwise it is settled
   * with an unknown outcome (see `settleUnknown`), never resent.
   */
  private async deliver(row: OutboxRow): Promise<void> {
    const run = JSON.parse(row.body) as OutboxRun
    const channel = run.channel === 'email' ? this.adapters.email : this.adapters.sms
    // A call cut off mid-way may have gone, even if its step was stopped since: settled (and
    // counted) before the run is looked at.
    if (row.state === 'calling' && !channel.idempotent) {
      return this.settleUnknown(row, run, this.state?.contact.phone ?? null)
    }
    // Stopped meanwhile (order, opt-out, archive, emptied, superseded, erased): never send.
    const current = this.liveRun(run)
    if (!current) return this.notSent(row, run, 'cancelled')
    if (row.state !== 'pending') {
      // Cut off before its answer was known: tried again, but not forever (a fault that
      // recurs at every attempt must end).
      if (row.attempts + 1 >= MAX_SEND_ATTEMPTS) {
        await this.notSent(row, run, 'interrupted')
        return this.settle(run.stepId, 'failed', null, 'interrupted')
      }
      this.ctx.storage.sql.exec('UPDATE outbox SET attempts = attempts + 1 WHERE id = ?', row.id)
      row = { ...row, attempts: row.attempts + 1 }
    }
    this.markRow(row.id, 'sending')
    const prepared = await this.prepare(row, run, current)
    if (!prepared) return
    const { built, incentive } = prepared
    const now = Date.now()
    const result = await this.call(row, run, built, now)
    if (!result.ok && result.retryable && row.attempts + 1 < MAX_SEND_ATTEMPTS) {
      // Refused (a 429, a 5xx from Resend): nothing left. The row listed `unknown` says so
      // until the retry lists it again.
      this.retryLater(row, result.code)
      await this.withdraw(run, result.code)
      return
    }
    const state = this.state
    if (!state) return // erased while we sent: keep nothing
    const provider = channel.provider
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
      updatedAt: Date.now(),
    }
    this.finishRow(row.id, result.ok ? 'sent' : 'failed', result.ok ? null : result.code)
    await this.recordMessage(report)
    if (built.channel === 'sms' && (result.ok || unknown)) {
      await contactStub(this.env.CONTACT, {
        storeId: state.storeId,
        channel: 'sms',
        address: built.sms.to,
      }).recordText(now, state.cartId)
    }
    await this.settle(
      run.stepId,
      result.ok ? 'sent' : 'failed',
      result.ok || unknown ? report.id : null,
      result.ok ? null : result.code,
      result.ok ? (incentive?.code ?? null) : null,
    )
  }

  /**
   * The step's coupon and message, made from the time the step was decided (a retry sends the
   * very same message under the same key). Null when the row was settled or put back instead:
   * skipped, a coupon refused or to retry, stopped meanwhile, or quiet hours at the recipient.
   */
  private async prepare(
    row: OutboxRow,
    run: OutboxRun,
    current: NonNullable<ReturnType<CartObject['liveRun']>>,
  ) {
    const policy = this.policy()
    const decidedAt = current.run.at ?? Date.now()
    const secret = getConfig(this.env).SIGNING_SECRET
    const step = policy.sequence.find((x) => x.id === run.stepId && x.channel === run.channel)
    const coupon = step
      ? await issueCoupon({
          db: this.env.DB,
          secret,
          coupons: this.adapters.coupons,
          cart: current.state,
          step,
          key: run.key,
          now: decidedAt,
          storeCurrency: policy.currency,
        })
      : null
    if (coupon && !coupon.ok) {
      if (coupon.retryable && row.attempts + 1 < MAX_SEND_ATTEMPTS) {
        this.retryLater(row, coupon.reason)
        return null
      }
      await this.notSent(row, run, coupon.reason)
      await this.settle(run.stepId, 'skipped', null, coupon.reason)
      return null
    }
    const incentive = coupon?.ok ? coupon.incentive : null
    const built = await buildMessage({
      db: this.env.DB,
      secret,
      cart: current.state,
      policy,
      run,
      now: decidedAt,
      incentive,
    })
    if ('skip' in built) {
      await this.notSent(row, run, built.skip)
      await this.settle(run.stepId, 'skipped', null, built.skip)
      return null
    }
    // Check again right before the provider: the awaits above let other events run.
    if (!this.liveRun(run)) {
      await this.notSent(row, run, 'cancelled')
      return null
    }
    if (built.channel === 'sms') {
      const waitUntil = this.quietUntil(built.sms.to, current.state.contact.timezone)
      if (waitUntil !== null) {
        // A retry that drifted into quiet hours waits for morning (no attempt spent).
        this.ctx.storage.sql.exec(
          "UPDATE outbox SET state = 'pending', next_at = ? WHERE id = ?",
          waitUntil,
          row.id,
        )
        await this.withdraw(run, 'quiet_hours')
        return null
      }
    }
    return { built, incentive }
  }

  /**
   * The provider call. The row is marked `calling` right before it, and for a provider without
   * idempotency (Twilio) only after the message row is listed `unknown`: a crash from there on
   * may have sent the text, and its status callback (?m=<id>) finds the row.
   */
  private async call(
    row: OutboxRow,
    run: OutboxRun,
    built: Extract<Built, { channel: 'email' | 'sms' }>,
    now: number,
  ): Promise<SendResult> {
    if (built.channel === 'email') {
      this.markRow(row.id, 'calling')
      return this.adapters.email.send(built.email, { idempotencyKey: run.key })
    }
    const policy = this.policy()
    const sms = this.adapters.sms
    if (!policy.smsFrom && sms.provider !== 'outbox') {
      return {
        ok: false,
        retryable: false,
        code: 'no_sms_sender',
        message: 'The store has no Messaging Service or number.',
      }
    }
    if (!sms.idempotent) {
      await this.recordMessage({
        ...built.report,
        status: 'unknown',
        provider: sms.provider,
        providerId: null,
        error: null,
        createdAt: now,
        updatedAt: now,
      })
    }
    this.markRow(row.id, 'calling')
    const from = policy.smsFrom ?? { number: 'outbox' }
    return sms.send({ ...built.sms, from }, { idempotencyKey: run.key })
  }

  /**
   * Ends a row that is not sent. Unless it was `calling` (the text may have gone), an earlier
   * attempt may have listed its text `unknown` (written just before the `calling` mark, or
   * refused and put back): that row now says it was not sent.
   */
  private async notSent(row: OutboxRow, run: OutboxRun, reason: string): Promise<void> {
    this.finishRow(row.id, 'failed', reason)
    if (row.state !== 'calling') await this.withdraw(run, reason)
  }

  /** A text listed `unknown` that did not leave now says `failed` with `reason` (see above). */
  private async withdraw(run: OutboxRun, reason: string): Promise<void> {
    if (run.channel !== 'sms' || this.adapters.sms.idempotent) return
    try {
      await withdrawMessage(this.env.DB, await messageIdFor(run.key), reason)
    } catch (err) {
      log('warn', 'unsent text not withdrawn', { key: run.key, error: String(err) })
    }
  }

  /** The send's progress, looked at again after `SENDING_TIMEOUT_MS` if nothing settles it. */
  private markRow(id: string, state: 'sending' | 'calling'): void {
    this.ctx.storage.sql.exec(
      'UPDATE outbox SET state = ?, next_at = ? WHERE id = ?',
      state,
      Date.now() + SENDING_TIMEOUT_MS,
      id,
    )
  }

  /**
   * The message row goes to D1 now, so provider webhooks that come back fast find it; the Queue
   * is the fallback when D1 does not answer.
   */
  private async recordMessage(report: MessageReport): Promise<void> {
    try {
      await writeMessageReports(this.env.DB, [report])
    } catch (err) {
      log('warn', 'message row via queue', { error: String(err) })
      this.ctx.storage.sql.exec(
        `INSERT INTO outbox (id, kind, body, state, attempts, next_at) VALUES (?, 'report', ?, 'pending', 0, ?)
         ON CONFLICT(id) DO UPDATE SET body = excluded.body, state = 'pending', next_at = excluded.next_at`,
        `report:${report.id}`,
        JSON.stringify(report),
        Date.now(),
      )
    }
  }

  /**
   * A text cut off mid-call (a crash or restart while `calling`): Twilio may have taken it, and
   * it has no idempotency key, so it is never resent (a duplicate text is worse than a missing
   * one). Its message row, written `unknown` before the call, stays for the status callback to
   * settle; the text counts toward the contact's daily cap from now (never earlier than it may
   * have gone: the cap errs on the side of fewer texts).
   */
  private async settleUnknown(row: OutboxRow, run: OutboxRun, phone: string | null): Promise<void> {
    this.finishRow(row.id, 'failed', 'outcome_unknown')
    const state = this.state
    if (run.channel === 'sms' && phone && state) {
      await contactStub(this.env.CONTACT, {
        storeId: state.storeId,
        channel: 'sms',
        address: phone,
      }).recordText(Date.now(), state.cartId)
    }
    await this.settle(run.stepId, 'failed', await messageIdFor(run.key), 'outcome_unknown')
  }

  /** The run an outbox row is for, if it may still go out: still `sending`, same abandonment. */
  private liveRun(r: OutboxRun) {
    const state = this.state
    if (!state || !running(state)) return null
    const run = state.runs.find((x) => x.id === r.stepId && x.channel === r.channel)
    if (!run || run.status !== 'sending' || messageKey(state, run.id, run.channel) !== r.key)
      return null
    return { state, run }
  }

  /** When a text to this phone may next go out, if not now (quiet hours at send time). */
  private quietUntil(phone: string, timezone: string | undefined): number | null {
    const { location, hours } = recipientWindow(this.policy().quietHours, phone, timezone)
    const now = Date.now()
    if (isAllowedAt(now, location, hours)) return null
    return nextAllowedTime(now, location, hours) ?? now + 3_600_000
  }

  /**
   * Settles runs left `sending` whose outbox row already finished (a crash between the two), and
   * re-queues a run whose row is missing. Runs at the start of every flush.
   */
  private async reconcile(): Promise<void> {
    const state = this.state
    if (!state) return
    for (const run of state.runs.filter((r) => r.status === 'sending')) {
      const key = messageKey(state, run.id, run.channel)
      const row = this.ctx.storage.sql
        .exec<{ state: string; last_error: string | null }>(
          'SELECT state, last_error FROM outbox WHERE id = ?',
          key,
        )
        .toArray()[0]
      if (!row) {
        this.ctx.storage.sql.exec(
          "INSERT INTO outbox (id, kind, body, state, attempts, next_at) VALUES (?, 'message', ?, 'pending', 0, ?)",
          key,
          JSON.stringify({ stepId: run.id, channel: run.channel, key }),
          Date.now(),
        )
      } else if (row.state === 'sent') {
        await this.settle(run.id, 'sent', await messageIdFor(key), null)
      } else if (row.state === 'failed') {
        // A text that may have gone keeps its message id (its row is listed).
        const id = row.last_error === 'outcome_unknown' ? await messageIdFor(key) : null
        await this.settle(run.id, 'failed', id, row.last_error ?? 'failed')
      }
    }
  }

  private async settle(
    stepId: string,
    outcome: 'sent' | 'failed' | 'skipped',
    messageId: string | null,
    reason: string | null,
    coupon: string | null = null,
  ) {
    if (!this.state) return
    await this.apply(
      this.state,
      { type: 'message.settled', stepId, outcome, messageId, reason, coupon },
      null,
    )
  }

  private finishRow(id: string, state: 'sent' | 'failed', error: string | null): void {
    this.ctx.storage.sql.exec(
      'UPDATE outbox SET state = ?, last_error = ?, next_at = 0 WHERE id = ?',
      state,
      error,
      id,
    )
  }

  private retryLater(row: OutboxRow, error: string): void {
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** row.attempts)
    const jitter = Math.floor(Math.random() * delay * 0.2)
    this.ctx.storage.sql.exec(
      "UPDATE outbox SET state = 'pending', attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ? AND body = ?",
      Date.now() + delay + jitter,
      error,
      row.id,
      row.body,
    )
  }

  private policy(): CartPolicy {
    if (!this.known) throw new Error('cart has state but no policy')
    return this.known
  }

  /**
   * The newer of the cart's copy and `incoming`; a tie goes to `incoming`. A caller whose
   * cache is a few seconds old never takes a cart back to settings it has moved past.
   */
  private adopt(incoming: CartPolicy | null): CartPolicy {
    const known = this.known
    if (!incoming) return this.policy()
    return known && known.version > incoming.version ? known : incoming
  }

  /** Keeps the first and the latest entries (see JOURNAL_KEEP_FIRST); runs inside a write. */
  private trimJournal(): void {
    const sql = this.ctx.storage.sql
    const { n } = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM journal').one()
    const excess = n - JOURNAL_KEEP_FIRST - JOURNAL_KEEP_LAST
    if (excess <= 0) return
    sql.exec(
      `DELETE FROM journal WHERE seq IN
         (SELECT seq FROM journal ORDER BY seq LIMIT ? OFFSET ?)`,
      excess,
      JOURNAL_KEEP_FIRST,
    )
    const trimmed = this.ctx.storage.kv.get<number>('journalTrimmed') ?? 0
    this.ctx.storage.kv.put('journalTrimmed', trimmed + excess)
  }

  private revisionFloor(): number {
    return this.ctx.storage.kv.get<number>('revisionFloor') ?? 0
  }

  private migrate(): void {
    const version = this.ctx.storage.kv.get<number>('schemaVersion') ?? 0
    if (version >= SCHEMA_VERSION) return
    this.ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS journal (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        entry TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS outbox (
        id TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL
      );
    `)
    if (version < 2) {
      // v2: the outbox also holds messages, with their send state.
      const columns = this.ctx.storage.sql
        .exec<{ name: string }>("SELECT name FROM pragma_table_info('outbox')")
        .toArray()
        .map((c) => c.name)
      if (!columns.includes('kind')) {
        this.ctx.storage.sql.exec(`
          ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'report';
          ALTER TABLE outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'pending';
          ALTER TABLE outbox ADD COLUMN last_error TEXT;
        `)
      }
    }
    if (version < 3) {
      // v3: `calling` marks a provider call in flight; before it, `sending` meant either. A row
      // left `sending` by an older version may have been mid-call: it is taken as `calling`
      // (never resent to Twilio), as that version would have.
      this.ctx.storage.sql.exec(
        "UPDATE outbox SET state = 'calling' WHERE kind = 'message' AND state = 'sending'",
      )
    }
    this.ctx.storage.kv.put('schemaVersion', SCHEMA_VERSION)
  }
}

/** An entry as stored: its JSON, or only its type, time and source when it is too large. */
function storedEntry(entry: JournalEntry): string {
  const json = JSON.stringify(entry)
  if (json.length <= MAX_ENTRY_CHARS) return json
  return JSON.stringify({ at: entry.at, type: entry.type, source: entry.source, truncated: true })
}

/** The cart's contact is the order's billing email or phone (both normalised). */
function billedTo(s: CartState, b: Billing): boolean {
  return (
    (b.email !== null && s.contact.email === b.email) ||
    (b.phone !== null && s.contact.phone === b.phone)
  )
}
