import { DurableObject } from 'cloudflare:workers'
import { type Adapters, createAdapters } from '../adapters'
import { isSuppressed, suppress, unsuppress } from '../db/suppressions'
import { isSureOptOut, next, recentTexts, wakeAt } from '../domain/contact/machine'
import type {
  ConsentEvidence,
  ContactEffect,
  ContactEvent,
  ContactFactsView,
  SentText,
} from '../domain/contact/types'
import type { Turn } from '../domain/reply/types'
import type { ContactPolicy } from '../domain/store/settings'
import { log } from '../lib/log'
import type { ConversationHost } from '../services/conversation/host'
import { giveUp, handleInbound, sendDeferred } from '../services/conversation/inbound'
import { type SendHost, sendText } from '../services/conversation/send'
import { messageIdFor } from '../services/delivery/codes'
import { CONTACT_MIGRATIONS } from './contact-migrations'
import { ContactStorage } from './contact-storage'
import { migrateStorage } from './migrations'
import { type ContactRef, cartStub } from './stubs'

export type { ConsentEvidence, ContactFactsView, SentText }

type Policy = Pick<ContactPolicy, 'storeName' | 'doubleOptIn' | 'support'>
/** For events whose transition reads no policy (no text is worded). */
const NO_POLICY: Policy = { storeName: '', doubleOptIn: false, support: null }

/**
 * A contact: the append-only consent ledger (kept 4 years, not erased with a cart), double
 * opt-in, suppression by reply, the texts it received (for the daily cap), its active cart (one
 * sequence at a time) and its SMS thread. A shell: load -> `next()` -> persist -> effects ->
 * alarm; the decisions are `domain/contact/machine.ts`, the conversation is a service.
 */
export class ContactObject extends DurableObject<Env> {
  protected adapters: Adapters
  /** The one clock the object reads: tests step it (`runInDurableObject`). */
  clock: () => number = Date.now
  private readonly store: ContactStorage

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.adapters = createAdapters(env)
    this.store = new ContactStorage(ctx.storage)
    ctx.blockConcurrencyWhile(async () => void migrateStorage(ctx.storage, CONTACT_MIGRATIONS))
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
    this.remember(ref)
    const last = this.store.lastConsent()
    let optInRequest: SentText | undefined
    for (const eff of this.step(
      { type: 'consent.recorded', channel: ref.channel, record: e, last },
      policy,
    )) {
      if (eff.type !== 'request_opt_in') {
        await this.run(eff, ref, policy)
        continue
      }
      // Keyed by the consent record: a new consent after a STOP or a withdrawal asks again.
      const key = `optin-${this.store.lastConsent()?.seq}`
      const sent = await sendText(this.sendHost(ref, policy), key, eff.body, eff.cartId)
      const r = sent.result
      const outcome = r.ok ? 'sent' : r.code === 'outcome_unknown' ? 'unknown' : 'failed'
      this.step({ type: 'opt_in.requested', outcome }, policy)
      if (!sent.repeated) {
        const reason = r.ok ? null : r.code
        optInRequest = { messageId: sent.id, step: 'optin', outcome, reason, at: sent.at }
      }
    }
    await this.schedule()
    const facts = await this.facts()
    return optInRequest ? { ...facts, optInRequest } : facts
  }

  async facts(asked?: ContactRef): Promise<ContactFactsView> {
    const latest = this.store.lastConsent()
    // Suppression has one source of truth for every channel and origin (reply, link, bounce):
    // the D1 row; the object's own flag answers without a read after a STOP it handled.
    const ref = asked ?? this.store.get<ContactRef>('ref')
    const state = this.store.state()
    const suppressed =
      state.suppressed ||
      (ref ? await isSuppressed(this.env.DB, ref.storeId, ref.channel, ref.address) : false)
    return {
      suppressed,
      optIn: state.optIn,
      consent: latest ? { granted: latest.granted, at: latest.at } : null,
      recentTexts: recentTexts(this.store.textTimes(), this.clock()),
    }
  }

  /** A reminder went out to this phone (any cart), or may have: counts toward the daily cap. */
  async recordText(at: number, cartId: string): Promise<void> {
    this.step({ type: 'text.counted', at, cartId }, NO_POLICY)
  }

  /** Makes `cartId` the contact's active cart; returns the cart it replaces, if another. */
  async registerCart(ref: ContactRef, cartId: string): Promise<string | null> {
    this.remember(ref)
    const previous = this.store.state().activeCart
    this.step({ type: 'cart.registered', cartId }, NO_POLICY)
    return previous && previous !== cartId ? previous : null
  }

  /**
   * A text from this phone, as Twilio delivered it: de-duplicated by SID, kept with the thread,
   * and handled right after by the alarm (keywords, opt-outs, an answer), so the webhook answers
   * at once and nothing is lost if handling fails. A sure opt-out takes effect here.
   */
  async receive(
    ref: ContactRef,
    msg: { sid: string; body: string; at: number },
    policy: ContactPolicy,
  ): Promise<{ duplicate: boolean }> {
    this.remember(ref)
    if (this.store.seen(msg.sid)) return { duplicate: true }
    // Only a STOP needs to know (for its one confirmation): other texts skip the D1 read.
    const suppressed = isSureOptOut(msg.body) && (await this.facts(ref)).suppressed
    this.step({ type: 'sms.received', ...msg, duplicate: false, suppressed }, policy)
    this.store.put('policy', policy)
    await this.schedule()
    return { duplicate: false }
  }

  /** The conversation of one cart, oldest first, and whether a person has it. */
  async conversation(cartId: string): Promise<{ state: 'ai' | 'needs_human'; turns: Turn[] }> {
    return { state: this.store.state().thread, turns: this.store.conversation.thread(cartId) }
  }

  /** The code a reply offered on this cart, if any (a restore from the reply's link applies it). */
  async incentiveFor(cartId: string): Promise<string | null> {
    return this.store.conversation.offer(cartId)?.code ?? null
  }

  /** The merchant takes the thread back from a handoff: the assistant answers again. */
  async resumeAi(): Promise<void> {
    this.step({ type: 'thread.resumed' }, NO_POLICY)
  }

  /** A deleted cart takes its part of the conversation and its offered code with it. */
  async forgetCart(cartId: string): Promise<void> {
    this.store.forgetCart(cartId)
  }

  /**
   * The merchant's own reply about one cart, sent and kept in its thread. `requestKey` names the
   * request: the same key again never sends a second text.
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
    const sent = (await sendText(this.sendHost(ref, policy), key, text, cartId)).result
    const unknown = !sent.ok && sent.code === 'outcome_unknown'
    // A reply that may have reached the shopper is part of the thread, like a sent one.
    const turn: Turn = { at: this.clock(), author: 'merchant', text, model: null }
    if (sent.ok || unknown) this.store.conversation.addTurn(key, turn, cartId)
    if (sent.ok) return { sent: true }
    // Twilio may have taken it: the merchant must not send it again blindly.
    return { sent: false, reason: unknown ? 'outcome_unknown' : 'not_sent' }
  }

  /** Every consent record, oldest first: the evidence a merchant exports. */
  async ledger(): Promise<(ConsentEvidence & { channel: 'email' | 'sms'; address: string })[]> {
    const ref = this.store.get<ContactRef>('ref')
    if (!ref) return []
    return this.store.ledger().map((r) => ({ channel: ref.channel, address: ref.address, ...r }))
  }

  /**
   * Handles the texts received (opt-outs first) and sends replies that waited for daytime, then
   * settles cut-off calls and drops records past retention. A failure leaves the rest pending.
   */
  override async alarm(): Promise<void> {
    const ref = this.store.get<ContactRef>('ref')
    const policy = this.store.get<ContactPolicy>('policy')
    try {
      if (ref && policy) await this.work(this.host(ref, policy))
    } finally {
      for (const e of this.step({ type: 'alarm.rang' }, NO_POLICY)) await this.run(e, ref, policy)
      await this.schedule()
    }
  }

  /** Each pending text, then held replies; a failure is retried a minute later (keyed steps). */
  private async work(host: ConversationHost) {
    let failed = false
    for (const row of this.store.pendingTexts()) {
      try {
        await handleInbound(host, row)
        this.store.markHandled(row.sid)
      } catch (err) {
        failed = true
        const attempts = row.attempts + 1
        log('error', 'text handling failed', { attempts, error: String(err) })
        const rest = this.step({ type: 'handling.failed', sid: row.sid, attempts }, host.policy)
        if (rest.some((e) => e.type === 'give_up')) await giveUp(host, row).catch(() => {})
      }
    }
    try {
      await sendDeferred(host)
    } catch (err) {
      failed = true
      log('error', 'deferred replies failed', { error: String(err) })
    }
    this.step({ type: 'handling.finished', failed }, host.policy)
  }

  /** Load, decide, persist: returns the effects storage does not run itself. */
  private step(event: ContactEvent, policy: Policy): ContactEffect[] {
    const before = this.store.state()
    const t = next(before, event, this.clock(), policy)
    this.store.saveState(before, t.state)
    return this.store.apply(t.effects)
  }

  private async run(e: ContactEffect, ref?: ContactRef, policy?: ContactPolicy) {
    if (e.type === 'settle_calls') {
      const now = this.clock()
      for (const id of this.store.staleCalls(e.before))
        this.store.conversation.settleCall(id, 'unknown', now)
      return
    }
    if (!ref || !policy) throw new Error(`contact effect ${e.type} needs the contact's address`)
    const at = { storeId: ref.storeId, channel: 'sms' as const, address: ref.address }
    if (e.type === 'suppress') await suppress(this.env.DB, { ...at, source: 'reply_stop' })
    else if (e.type === 'unsuppress') await unsuppress(this.env.DB, at)
    else if (e.type === 'send_text')
      await sendText(this.sendHost(ref, policy), e.key, e.body, this.store.state().activeCart)
  }

  /** One alarm for everything (see `wakeAt`). */
  private async schedule() {
    const at = wakeAt(this.store.state(), this.store.timers(), this.clock())
    if (at === null) await this.ctx.storage.deleteAlarm()
    else await this.ctx.storage.setAlarm(at)
  }

  private sendHost(ref: ContactRef, policy: ContactPolicy): SendHost {
    return {
      env: this.env,
      adapters: this.adapters,
      ref,
      policy,
      store: this.store.conversation,
      now: () => this.clock(),
      armBy: async (at) => {
        const current = await this.ctx.storage.getAlarm()
        if (current === null || current > at) await this.ctx.storage.setAlarm(at)
      },
    }
  }

  /** What the conversation service may use of this object. */
  private host(ref: ContactRef, policy: ContactPolicy): ConversationHost {
    const send = this.sendHost(ref, policy)
    const react = async (event: ContactEvent) => {
      for (const e of this.step(event, policy)) await this.run(e, ref, policy)
    }
    return {
      ...send,
      cart: (cartId) => cartStub(this.env.CART, { storeId: ref.storeId, cartId }),
      thread: () => this.store.state().thread,
      handOff: () => void this.step({ type: 'thread.handed_off' }, policy),
      suppressed: async () => (await this.facts(ref)).suppressed,
      optOut: (sid, alreadySuppressed) => react({ type: 'sms.opted_out', sid, alreadySuppressed }),
      optInState: () => this.store.state().optIn,
      keyword: (k, sid) =>
        react(k === 'opt_in' ? { type: 'sms.opted_in', sid } : { type: 'sms.help_asked', sid }),
      text: async (key, body) =>
        (await sendText(send, key, body, this.store.state().activeCart)).result,
    }
  }

  private remember(ref: ContactRef) {
    if (!this.store.get('ref')) this.store.put('ref', ref)
  }
}
