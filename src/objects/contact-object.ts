import { DurableObject } from 'cloudflare:workers'
import { type Adapters, createAdapters } from '../adapters'
import { statusCallbackUrl } from '../adapters/sms/types'
import type { SendResult } from '../adapters/types'
import { writeMessageReports } from '../db/projection'
import { isSuppressed, suppress, unsuppress } from '../db/suppressions'
import { keywordOf, optOutVerdict, replies } from '../domain/contact/keywords'
import type { MessageReport } from '../domain/message/report'
import type { Turn } from '../domain/reply/types'
import type { ContactPolicy } from '../domain/store/settings'
import { log } from '../lib/log'
import { messageIdFor } from '../services/delivery/codes'
import {
  type ConversationHost,
  giveUp,
  handleInbound,
  type InboundRow,
  sendDeferred,
} from './converse'
import type { ContactRef } from './stubs'

export type ConsentEvidence = {
  granted: boolean
  text: string
  at: number
  ip: string | null
  userAgent: string | null
  page: string | null
  cartId: string
  source: string
}

/** A text the contact object sent for one cart outside its sequence, for that cart's timeline. */
export type SentText = {
  messageId: string
  step: string
  /** `unknown`: Twilio may have taken it (no answer); it is listed and never resent. */
  outcome: 'sent' | 'failed' | 'unknown'
  reason: string | null
  at: number
}

export type ContactFactsView = {
  suppressed: boolean
  optIn: 'none' | 'pending' | 'confirmed'
  consent: { granted: boolean; at: number } | null
  recentTexts: number[]
}

const DAY = 86_400_000
/** Consent evidence is kept four years (TCPA limitation period), apart from cart data. */
const RETENTION_MS = 4 * 365 * DAY
/** The SMS thread is kept a year. */
const TURN_RETENTION_MS = 365 * DAY
/** A text whose handling fails this many times goes to a person. */
const MAX_ATTEMPTS = 5
/**
 * A call still marked `calling` this long after it started was cut off, and no retry of its own
 * came back to it (see `send`): longer than a call, and than a text's handling retries.
 */
const SETTLE_AFTER_MS = 10 * 60_000
/**
 * A sent text's key: `calling` from just before the provider call, then `sent` or `unknown`
 * (Twilio may have taken it). Rows from before the marks are `sent`.
 */
type ReplyState = 'calling' | 'sent' | 'unknown'
const ALREADY_SENT: SendResult = { ok: true, providerId: 'already-sent' }
const UNKNOWN: SendResult = {
  ok: false,
  retryable: false,
  code: 'outcome_unknown',
  message: 'Cut off during the call: Twilio may have taken the text.',
}
const NO_SENDER: SendResult = {
  ok: false,
  retryable: false,
  code: 'no_sms_sender',
  message: 'The store has no Messaging Service or number.',
}

/**
 * A contact: the append-only consent ledger (kept 4 years, not erased with a cart), double
 * opt-in, suppression by reply, the texts it received (for the daily cap) and its active cart
 * (one sequence at a time). Email and phone of one shopper are two contacts; a cart names both.
 */
export class ContactObject extends DurableObject<Env> {
  protected adapters: Adapters

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.adapters = createAdapters(env)
    ctx.blockConcurrencyWhile(async () => this.migrate())
  }

  /**
   * Appends consent evidence; a first SMS consent under double opt-in asks for YES, filed under
   * the cart the consent came from (`optInRequest`, for the caller to journal on that cart).
   */
  async recordConsent(
    ref: ContactRef,
    e: ConsentEvidence,
    policy: ContactPolicy,
  ): Promise<ContactFactsView & { optInRequest?: SentText }> {
    let optInRequest: SentText | undefined
    this.remember(ref)
    const last = this.sql
      .exec<{ granted: number; text: string }>(
        'SELECT granted, text FROM consent ORDER BY seq DESC LIMIT 1',
      )
      .toArray()[0]
    if (!last || Boolean(last.granted) !== e.granted || last.text !== e.text) {
      this.sql.exec(
        'INSERT INTO consent (at, granted, text, ip, user_agent, page, cart_id, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        e.at,
        e.granted ? 1 : 0,
        e.text,
        e.ip,
        e.userAgent,
        e.page,
        e.cartId,
        e.source,
      )
    }
    if (ref.channel === 'sms') {
      if (!e.granted) this.kv.put('optIn', 'none')
      else if (policy.doubleOptIn && this.optIn() === 'none' && !this.suppressed()) {
        // Once per consent record: a new consent after a STOP or a withdrawal asks again.
        const seq = this.sql.exec<{ seq: number }>('SELECT MAX(seq) AS seq FROM consent').one().seq
        this.kv.put('optIn', 'pending')
        const key = `optin-${seq}`
        const body = replies.confirmRequest(policy.storeName)
        const sent = await this.send(ref, policy, key, body, e.cartId)
        const r = sent.result
        // A request Twilio may have delivered leaves the number awaiting YES, like a sent one.
        const unknown = !r.ok && r.code === 'outcome_unknown'
        if (!r.ok && !unknown) this.kv.put('optIn', 'none')
        if (!sent.repeated) {
          optInRequest = {
            messageId: sent.id,
            step: 'optin',
            outcome: r.ok ? 'sent' : unknown ? 'unknown' : 'failed',
            reason: r.ok ? null : r.code,
            at: sent.at,
          }
        }
      }
    }
    await this.schedule()
    const facts = await this.facts()
    return optInRequest ? { ...facts, optInRequest } : facts
  }

  async facts(asked?: ContactRef): Promise<ContactFactsView> {
    const latest = this.sql
      .exec<{ granted: number; at: number }>(
        'SELECT granted, at FROM consent ORDER BY seq DESC LIMIT 1',
      )
      .toArray()[0]
    const recent = this.sql
      .exec<{ at: number }>('SELECT at FROM texts WHERE at > ? ORDER BY at', Date.now() - DAY)
      .toArray()
      .map((r) => r.at)
    // Suppression has one source of truth for every channel and origin (reply, link, bounce):
    // the D1 row; the object's own flag answers without a read after a STOP it handled.
    const ref = asked ?? this.kv.get<ContactRef>('ref')
    const suppressed =
      this.suppressed() ||
      (ref ? await isSuppressed(this.env.DB, ref.storeId, ref.channel, ref.address) : false)
    return {
      suppressed,
      optIn: this.optIn(),
      consent: latest ? { granted: Boolean(latest.granted), at: latest.at } : null,
      recentTexts: recent,
    }
  }

  /** A reminder went out to this phone (any cart), or may have: counts toward the daily cap. */
  async recordText(at: number, cartId: string): Promise<void> {
    this.countText(at, cartId)
  }

  /** Makes `cartId` the contact's active cart; returns the cart it replaces, if another. */
  async registerCart(ref: ContactRef, cartId: string): Promise<string | null> {
    this.remember(ref)
    const previous = this.kv.get<string>('activeCart') ?? null
    this.kv.put('activeCart', cartId)
    return previous && previous !== cartId ? previous : null
  }

  /**
   * A text from this phone, as Twilio delivered it: de-duplicated by SID, kept with the thread,
   * and handled right after by the alarm (keywords, opt-outs, an answer), so the webhook answers
   * at once and nothing is lost if handling fails (the alarm retries). A sure opt-out takes
   * effect here, before anything else can be sent: an answer already on its way and the next
   * reminder both see it.
   */
  async receive(
    ref: ContactRef,
    msg: { sid: string; body: string; at: number },
    policy: ContactPolicy,
  ): Promise<{ duplicate: boolean }> {
    this.remember(ref)
    const seen = this.sql.exec('SELECT 1 FROM inbound WHERE sid = ?', msg.sid).toArray().length > 0
    if (seen) return { duplicate: true }
    const cart = this.kv.get<string>('activeCart') ?? null
    const stop = keywordOf(msg.body) === 'opt_out' || optOutVerdict(msg.body) === 'opt_out'
    // Only a STOP needs to know (for its one confirmation): other texts skip the D1 read.
    const wasSuppressed = stop && (await this.facts(ref)).suppressed
    this.sql.exec(
      'INSERT INTO inbound (sid, at, body, pending, cart_id, was_suppressed, opt_out) VALUES (?, ?, ?, 1, ?, ?, ?)',
      msg.sid,
      msg.at,
      msg.body,
      cart,
      wasSuppressed ? 1 : 0,
      stop ? 1 : 0,
    )
    if (stop) this.kv.put('suppressed', true)
    this.addTurn(
      `in-${msg.sid}`,
      { at: msg.at, author: 'shopper', text: msg.body, model: null },
      cart,
    )
    this.kv.put('policy', policy)
    await this.schedule()
    return { duplicate: false }
  }

  /** The conversation of one cart, oldest first, and whether a person has it. */
  async conversation(cartId: string): Promise<{ state: 'ai' | 'needs_human'; turns: Turn[] }> {
    return { state: this.thread(), turns: this.turns(cartId) }
  }

  /** The code a reply offered on this cart, if any (a restore from the reply's link applies it). */
  async incentiveFor(cartId: string): Promise<string | null> {
    return this.kv.get<{ code: string }>(`incentive:${cartId}`)?.code ?? null
  }

  /** The merchant takes the thread back from a handoff: the assistant answers again. */
  async resumeAi(): Promise<void> {
    this.kv.put('thread', 'ai')
  }

  /** A deleted cart takes its part of the conversation and its offered code with it. */
  async forgetCart(cartId: string): Promise<void> {
    this.sql.exec('DELETE FROM turns WHERE cart_id = ?', cartId)
    this.sql.exec("UPDATE inbound SET body = '', cart_id = NULL WHERE cart_id = ?", cartId)
    this.sql.exec('DELETE FROM outgoing WHERE cart_id = ?', cartId)
    this.kv.delete(`incentive:${cartId}`)
  }

  /**
   * The merchant's own reply to the shopper about one cart, sent and kept in its thread.
   * `requestKey` (the form's nonce, the API's `Idempotency-Key`) names the request: the same key
   * again never sends a second text (it answers as the first did, or `outcome_unknown`).
   */
  async merchantReply(
    ref: ContactRef,
    cartId: string,
    text: string,
    policy: ContactPolicy,
    requestKey: string = crypto.randomUUID(),
  ): Promise<{ sent: boolean; reason?: string }> {
    this.remember(ref)
    if ((await this.facts(ref)).suppressed) return { sent: false, reason: 'suppressed' }
    const key = `merchant-${await messageIdFor(`${cartId}:${requestKey}`)}`
    // Filed under the cart it is about, which need not be the contact's active one.
    const sent = (await this.send(ref, policy, key, text, cartId)).result
    const unknown = !sent.ok && sent.code === 'outcome_unknown'
    // A reply that may have reached the shopper is part of the thread, like a sent one.
    if (sent.ok || unknown)
      this.addTurn(key, { at: Date.now(), author: 'merchant', text, model: null }, cartId)
    if (sent.ok) return { sent: true }
    // Twilio may have taken it: the merchant must not send it again blindly.
    return { sent: false, reason: unknown ? 'outcome_unknown' : 'not_sent' }
  }

  /** Every consent record, oldest first: the evidence a merchant exports. */
  async ledger(): Promise<(ConsentEvidence & { channel: 'email' | 'sms'; address: string })[]> {
    const ref = this.kv.get<ContactRef>('ref')
    if (!ref) return []
    return this.sql
      .exec<{
        at: number
        granted: number
        text: string
        ip: string | null
        user_agent: string | null
        page: string | null
        cart_id: string
        source: string
      }>(
        'SELECT at, granted, text, ip, user_agent, page, cart_id, source FROM consent ORDER BY seq',
      )
      .toArray()
      .map((r) => ({
        channel: ref.channel,
        address: ref.address,
        granted: Boolean(r.granted),
        text: r.text,
        at: r.at,
        ip: r.ip,
        userAgent: r.user_agent,
        page: r.page,
        cartId: r.cart_id,
        source: r.source,
      }))
  }

  /**
   * Handles the texts received (oldest first) and sends replies that waited for daytime, then
   * drops consent records past retention. A failure leaves the rest pending for the retry.
   */
  override async alarm(): Promise<void> {
    const ref = this.kv.get<ContactRef>('ref')
    const policy = this.kv.get<ContactPolicy>('policy')
    try {
      if (ref && policy) await this.work(this.host(ref, policy))
    } finally {
      this.settleInterrupted()
      this.sql.exec('DELETE FROM consent WHERE at < ?', Date.now() - RETENTION_MS)
      // The thread is kept a year, like the cart data it belongs to.
      this.sql.exec('DELETE FROM turns WHERE at < ?', Date.now() - TURN_RETENTION_MS)
      await this.schedule()
    }
  }

  /**
   * The texts received, opt-outs first, then the rest in order; then replies that waited for
   * daytime. A text whose handling fails stays pending and is tried again a minute later (every
   * step is keyed, so nothing goes out twice); after five failures it goes to a person.
   */
  private async work(host: ConversationHost) {
    const pending = this.sql
      .exec<InboundRow & { attempts: number }>(
        `SELECT sid, at, body, cart_id, was_suppressed, opt_out, attempts FROM inbound
         WHERE pending = 1 ORDER BY opt_out DESC, at, sid`,
      )
      .toArray()
    let failed = false
    for (const row of pending) {
      try {
        await handleInbound(host, row)
        this.sql.exec('UPDATE inbound SET pending = 0 WHERE sid = ?', row.sid)
      } catch (err) {
        failed = true
        const attempts = row.attempts + 1
        log('error', 'text handling failed', { attempts, error: String(err) })
        this.sql.exec(
          'UPDATE inbound SET attempts = ?, pending = ? WHERE sid = ?',
          attempts,
          attempts >= MAX_ATTEMPTS ? 0 : 1,
          row.sid,
        )
        if (attempts >= MAX_ATTEMPTS) await giveUp(host, row).catch(() => {})
      }
    }
    try {
      await sendDeferred(host)
    } catch (err) {
      failed = true
      log('error', 'deferred replies failed', { error: String(err) })
    }
    if (failed) this.kv.put('retryAt', Date.now() + 60_000)
    else this.kv.delete('retryAt')
  }

  /**
   * One alarm for everything: a pending text now, a deferred reply, an interrupted call to
   * settle, or the retention purge.
   */
  private async schedule() {
    const pending = this.sql.exec('SELECT 1 FROM inbound WHERE pending = 1 LIMIT 1').toArray()
    const deferred = this.sql
      .exec<{ at: number | null }>('SELECT MIN(send_at) AS at FROM outgoing')
      .one().at
    const oldest = this.sql
      .exec<{ at: number | null }>('SELECT MIN(at) AS at FROM consent')
      .one().at
    const oldestTurn = this.sql
      .exec<{ at: number | null }>('SELECT MIN(at) AS at FROM turns')
      .one().at
    const calling = this.sql
      .exec<{ at: number | null }>("SELECT MIN(at) AS at FROM replies WHERE state = 'calling'")
      .one().at
    const retryAt = this.kv.get<number>('retryAt') ?? 0
    const times = [
      calling === null ? null : calling + SETTLE_AFTER_MS,
      pending.length > 0 ? Math.max(Date.now(), retryAt) : null,
      deferred === null ? null : Math.max(deferred, retryAt),
      oldest === null ? null : oldest + RETENTION_MS,
      oldestTurn === null ? null : oldestTurn + TURN_RETENTION_MS,
    ].filter((t): t is number => t !== null)
    if (times.length === 0) await this.ctx.storage.deleteAlarm()
    else await this.ctx.storage.setAlarm(Math.min(...times))
  }

  /** What the conversation code may use of this object. */
  private host(ref: ContactRef, policy: ContactPolicy): ConversationHost {
    return {
      env: this.env,
      adapters: this.adapters,
      ref,
      policy,
      sql: this.sql,
      thread: () => this.thread(),
      setThread: (t) => this.kv.put('thread', t),
      suppressed: async () => (await this.facts(ref)).suppressed,
      optOut: (sid, already) => this.optOut(ref, policy, sid, already),
      optInState: () => this.optIn(),
      keyword: (k, sid) => this.keyword(ref, policy, k, sid),
      text: (key, body) => this.text(ref, policy, key, body),
      addTurn: (key, turn, cart) => this.addTurn(key, turn, cart),
      turns: (cart) => this.turns(cart),
      incentive: {
        get: (cart) =>
          this.kv.get<{ code: string; description: string }>(`incentive:${cart}`) ?? null,
        set: (cart, v) => this.kv.put(`incentive:${cart}`, v),
      },
    }
  }

  /** STOP and its natural-language kin: suppressed everywhere at once, confirmed once. */
  private async optOut(ref: ContactRef, policy: ContactPolicy, sid: string, already: boolean) {
    // One confirmation: a STOP from a number already opted out when it arrived gets none.
    this.kv.put('suppressed', true)
    this.kv.put('optIn', 'none')
    await suppress(this.env.DB, {
      storeId: ref.storeId,
      channel: 'sms',
      address: ref.address,
      source: 'reply_stop',
    })
    if (!already) await this.text(ref, policy, `stop-${sid}`, replies.optedOut(policy.storeName))
  }

  /** START/UNSTOP/YES and HELP, answered once each. */
  private async keyword(ref: ContactRef, policy: ContactPolicy, k: 'opt_in' | 'help', sid: string) {
    if (k === 'opt_in') {
      this.kv.put('suppressed', false)
      this.kv.put('optIn', 'confirmed')
      await unsuppress(this.env.DB, { storeId: ref.storeId, channel: 'sms', address: ref.address })
      await this.text(ref, policy, `start-${sid}`, replies.confirmed(policy.storeName))
    } else {
      await this.text(ref, policy, `help-${sid}`, replies.help(policy.storeName, policy.support))
    }
  }

  private addTurn(key: string, t: Turn, cart: string | null) {
    this.sql.exec(
      'INSERT OR IGNORE INTO turns (key, at, author, text, model, cart_id) VALUES (?, ?, ?, ?, ?, ?)',
      key,
      t.at,
      t.author,
      t.text,
      t.model,
      cart,
    )
  }

  private turns(cart: string | null): Turn[] {
    const rows =
      cart === null
        ? this.sql.exec<Turn>('SELECT at, author, text, model FROM turns ORDER BY seq')
        : this.sql.exec<Turn>(
            'SELECT at, author, text, model FROM turns WHERE cart_id = ? ORDER BY seq',
            cart,
          )
    return rows.toArray().map((r) => ({ ...r }))
  }

  private thread(): 'ai' | 'needs_human' {
    return this.kv.get<'ai' | 'needs_human'>('thread') ?? 'ai'
  }

  /** Sends a transactional reply (confirmation, help) once per key, and records it. */
  private async text(
    ref: ContactRef,
    policy: ContactPolicy,
    key: string,
    body: string,
  ): Promise<SendResult> {
    return (await this.send(ref, policy, key, body)).result
  }

  /**
   * `text`, filed under `cartId` (by default the active cart), with the message id it got;
   * `repeated` when this key already went out (or may have) and nothing was sent now. Twilio
   * has no idempotency key, so the text is listed `unknown` and its key marked `calling` before
   * the call: a key found `calling` again (a crash after the mark) may have been sent, and is
   * settled as unknown, never resent. A key that never reached the mark is simply sent.
   */
  private async send(
    ref: ContactRef,
    policy: ContactPolicy,
    key: string,
    body: string,
    cartId: string | null = this.kv.get<string>('activeCart') ?? null,
  ): Promise<{ id: string; at: number; result: SendResult; repeated: boolean }> {
    const id = await messageIdFor(`${ref.storeId}:${ref.address}:${key}`)
    const sms = this.adapters.sms
    const before = this.repeat(id)
    if (before) return before
    const from = policy.smsFrom ?? (sms.provider === 'outbox' ? { number: 'outbox' } : null)
    const now = Date.now()
    const report = (result: SendResult | null): MessageReport => ({
      kind: 'message',
      id,
      storeId: ref.storeId,
      cartId: cartId ?? '-',
      stepId: key.replace(/-.*$/, ''),
      channel: 'sms',
      to: ref.address,
      status: !result
        ? 'unknown'
        : result.ok
          ? sms.provider === 'twilio'
            ? 'accepted'
            : 'sent'
          : result.code === 'outcome_unknown'
            ? 'unknown'
            : 'failed',
      subject: null,
      preheader: null,
      text: body,
      html: null,
      provider: sms.provider,
      providerId: result?.ok ? result.providerId : null,
      error: result && !result.ok ? result.code : null,
      createdAt: now,
      updatedAt: Date.now(),
    })
    let result: SendResult = NO_SENDER
    if (from) {
      // Listed before the call, so Twilio's status callback (?m=<id>) always finds the row.
      if (!sms.idempotent) {
        await this.recordMessage(report(null))
        // The same key sent meanwhile (a double submission) while D1 answered: not again.
        const meanwhile = this.repeat(id)
        if (meanwhile) return meanwhile
      }
      this.sql.exec(
        `INSERT INTO replies (id, at, state, cart_id) VALUES (?, ?, 'calling', ?)
         ON CONFLICT (id) DO UPDATE SET state = 'calling', at = excluded.at`,
        id,
        now,
        cartId,
      )
      await this.armSettlement(now + SETTLE_AFTER_MS)
      result = await sms.send(
        {
          to: ref.address,
          body,
          from,
          statusCallback: statusCallbackUrl(policy.baseUrl, ref.storeId, id),
        },
        { idempotencyKey: id },
      )
      // Kept once it went out (or may have); a refused send may be tried again later.
      if (result.ok) this.settleCall(id, 'sent')
      else if (result.code === 'outcome_unknown') this.settleCall(id, 'unknown')
      else this.sql.exec("DELETE FROM replies WHERE id = ? AND state = 'calling'", id)
    }
    if (!result.ok) log('warn', 'contact reply not sent', { code: result.code })
    await this.recordMessage(report(result))
    return { id, at: now, result, repeated: false }
  }

  /** What `send` answers for a key already marked, without sending; null if unmarked. */
  private repeat(
    id: string,
  ): { id: string; at: number; result: SendResult; repeated: boolean } | null {
    const mark = this.sql
      .exec<{ state: ReplyState }>('SELECT state FROM replies WHERE id = ?', id)
      .toArray()[0]?.state
    if (mark === 'sent') return { id, at: Date.now(), result: ALREADY_SENT, repeated: true }
    if (mark === 'unknown') return { id, at: Date.now(), result: UNKNOWN, repeated: true }
    if (mark === 'calling' && !this.adapters.sms.idempotent) {
      this.settleCall(id, 'unknown')
      return { id, at: Date.now(), result: UNKNOWN, repeated: false }
    }
    return null
  }

  /**
   * A text that went out or may have: its key is done and it counts toward the daily cap, once
   * (a late answer and the sweep of interrupted calls cannot both count it).
   */
  private settleCall(id: string, state: 'sent' | 'unknown'): void {
    const row = this.sql
      .exec<{ cart_id: string | null }>(
        "SELECT cart_id FROM replies WHERE id = ? AND state = 'calling'",
        id,
      )
      .toArray()[0]
    if (!row) return
    this.sql.exec('UPDATE replies SET state = ? WHERE id = ?', state, id)
    this.countText(Date.now(), row.cart_id ?? '-')
  }

  /**
   * The alarm that settles a `calling` key if the call is cut off, armed before the call: the
   * caller's own `schedule()` runs only if it survives (and a merchant's reply has none).
   */
  private async armSettlement(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm()
    if (current === null || current > at) await this.ctx.storage.setAlarm(at)
  }

  /**
   * Calls cut off by a crash that no retry of theirs came back to settle (a merchant's reply,
   * the opt-in request, a text handed to a person): listed `unknown` already, they now count.
   */
  private settleInterrupted(): void {
    const stale = this.sql
      .exec<{ id: string }>(
        "SELECT id FROM replies WHERE state = 'calling' AND at <= ?",
        Date.now() - SETTLE_AFTER_MS,
      )
      .toArray()
    for (const r of stale) this.settleCall(r.id, 'unknown')
  }

  /**
   * The message row goes to D1 now, so that Twilio's status callback, which can come back
   * before our own answer is written, finds it; the Queue when D1 does not answer.
   */
  private async recordMessage(report: MessageReport): Promise<void> {
    try {
      await writeMessageReports(this.env.DB, [report])
    } catch (err) {
      log('warn', 'message row via queue', { error: String(err) })
      await this.adapters.reports.publish(report)
    }
  }

  private countText(at: number, cartId: string): void {
    this.sql.exec('INSERT INTO texts (at, cart_id) VALUES (?, ?)', at, cartId)
    this.sql.exec('DELETE FROM texts WHERE at < ?', Date.now() - 2 * DAY)
  }

  private get sql() {
    return this.ctx.storage.sql
  }
  private get kv() {
    return this.ctx.storage.kv
  }
  private optIn(): 'none' | 'pending' | 'confirmed' {
    return this.kv.get<'none' | 'pending' | 'confirmed'>('optIn') ?? 'none'
  }
  private suppressed(): boolean {
    return this.kv.get<boolean>('suppressed') ?? false
  }
  private remember(ref: ContactRef) {
    if (!this.kv.get('ref')) this.kv.put('ref', ref)
  }

  private migrate() {
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS consent (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, granted INTEGER NOT NULL,
        text TEXT NOT NULL, ip TEXT, user_agent TEXT, page TEXT, cart_id TEXT NOT NULL, source TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS texts (at INTEGER NOT NULL, cart_id TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS inbound (sid TEXT PRIMARY KEY, at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS replies (id TEXT PRIMARY KEY, at INTEGER NOT NULL);
    `)
    // v2 (two-way SMS): the text of each message and whether it is handled; the thread; replies
    // waiting for daytime.
    if ((this.kv.get<number>('schemaVersion') ?? 0) < 2) {
      const columns = this.sql
        .exec<{ name: string }>('PRAGMA table_info(inbound)')
        .toArray()
        .map((c) => c.name)
      const added: Record<string, string> = {
        body: "TEXT NOT NULL DEFAULT ''",
        pending: 'INTEGER NOT NULL DEFAULT 0',
        cart_id: 'TEXT',
        was_suppressed: 'INTEGER NOT NULL DEFAULT 0',
        opt_out: 'INTEGER NOT NULL DEFAULT 0',
        attempts: 'INTEGER NOT NULL DEFAULT 0',
      }
      for (const [name, type] of Object.entries(added)) {
        if (!columns.includes(name)) this.sql.exec(`ALTER TABLE inbound ADD COLUMN ${name} ${type}`)
      }
      this.sql.exec(`
        CREATE TABLE IF NOT EXISTS turns (
          seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, at INTEGER NOT NULL,
          author TEXT NOT NULL, text TEXT NOT NULL, model TEXT, cart_id TEXT
        );
        CREATE INDEX IF NOT EXISTS turns_cart ON turns (cart_id, seq);
        CREATE TABLE IF NOT EXISTS outgoing (
          key TEXT PRIMARY KEY, send_at INTEGER NOT NULL, text TEXT NOT NULL, model TEXT,
          cart_id TEXT, detail TEXT NOT NULL
        );
      `)
    }
    // v3 (unknown outcomes): each sent text's key says how far it got, and for which cart.
    if ((this.kv.get<number>('schemaVersion') ?? 0) < 3) {
      const columns = this.sql
        .exec<{ name: string }>('PRAGMA table_info(replies)')
        .toArray()
        .map((c) => c.name)
      if (!columns.includes('state'))
        this.sql.exec("ALTER TABLE replies ADD COLUMN state TEXT NOT NULL DEFAULT 'sent'")
      if (!columns.includes('cart_id')) this.sql.exec('ALTER TABLE replies ADD COLUMN cart_id TEXT')
    }
    this.kv.put('schemaVersion', 3)
  }
}
