import { DurableObject } from 'cloudflare:workers'
import { type Adapters, createAdapters } from '../adapters'
import { benchEnv, benchObject } from '../bench-mode'
import { isSuppressed } from '../db/suppressions'
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
import { type ContactFact, contactHappening } from '../domain/webhook/happenings'
import { type MerchantReplyResult, sendMerchantReply } from '../services/conversation/merchant'
import { type ContactShell, react, sendHost, work } from './contact-effects'
import { CONTACT_MIGRATIONS, contactLayout } from './contact-migrations'
import { ContactAlarm, ContactStorage } from './contact-storage'
import { HookOutbox } from './hook-outbox'
import { migrateStorage, VERSION_KEY } from './migrations'
import type { ContactRef } from './stubs'

export type { ConsentEvidence, ContactFactsView, SentText }

type Policy = Pick<ContactPolicy, 'storeName' | 'doubleOptIn' | 'support' | 'hookTypes'>
/** The contact events that concern webhook endpoints (`contactHappening`). */
const HOOKED = new Set<string>([
  'sms.received',
  'sms.opted_out',
  'sms.opted_in',
  'thread.handed_off',
])
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
  private readonly alarms: ContactAlarm
  /** Events owed to the store's webhook endpoints (issue 16). */
  private readonly hooks: HookOutbox
  /** What the effect runner and the conversation use of this object. */
  private readonly shell: ContactShell
  /** The policy this instance last wrote, as JSON (see `keepPolicy`). */
  private policyJson: string | undefined

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, benchEnv(env))
    benchObject(this, ctx, this.env)
    this.adapters = createAdapters(this.env)
    this.store = new ContactStorage(ctx.storage)
    this.alarms = new ContactAlarm(ctx.storage)
    this.hooks = new HookOutbox(ctx.storage.kv)
    this.shell = {
      env: this.env,
      store: this.store,
      adapters: () => this.adapters,
      now: () => this.clock(),
      armBy: (at) => this.alarms.bringForward(at),
      step: (event, policy) => this.step(event, policy),
      suppressed: async (ref) => (await this.facts(ref)).suppressed,
    }
    ctx.blockConcurrencyWhile(
      async () => void migrateStorage(ctx.storage, CONTACT_MIGRATIONS, VERSION_KEY, contactLayout),
    )
  }

  /**
   * Appends consent evidence; a first SMS consent under double opt-in asks for YES, filed under
   * the cart the consent came from (`optInRequest`, for the caller to journal on that cart).
   */
  async recordConsent(
    ref: ContactRef,
    e: ConsentEvidence,
    policy: ContactPolicy,
  ): Promise<{ optInRequest?: SentText }> {
    this.remember(ref)
    const last = this.store.lastConsent()
    const event = { type: 'consent.recorded', channel: ref.channel, record: e, last } as const
    const [optInRequest] = await react(this.shell, event, ref, policy)
    await this.schedule()
    // No facts answered: their suppression check is a D1 read no caller used.
    return optInRequest ? { optInRequest } : {}
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
    this.step({ type: 'text.counted', at, cartId })
  }

  /** Makes `cartId` the contact's active cart; returns the cart it replaces, if another. */
  async registerCart(ref: ContactRef, cartId: string): Promise<string | null> {
    this.remember(ref)
    const previous = this.store.state().activeCart
    this.step({ type: 'cart.registered', cartId })
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
    this.keepPolicy(policy)
    // A held text only brings the alarm forward: an alarm already due is left as it is. The
    // alarm also hands the text's event to the webhooks (Twilio is answered first).
    const at = this.wakeAt()
    if (at !== null) await this.shell.armBy(at)
    return { duplicate: false }
  }

  /** The conversation of one cart (null: every cart), oldest first, and whether a person has it. */
  async conversation(
    cartId: string | null,
  ): Promise<{ state: 'ai' | 'needs_human'; turns: Turn[] }> {
    return { state: this.store.state().thread, turns: this.store.conversation.thread(cartId) }
  }

  /** The code a reply offered on this cart, if any (a restore from the reply's link applies it). */
  async incentiveFor(cartId: string): Promise<string | null> {
    return this.store.conversation.offer(cartId)?.code ?? null
  }

  /** The merchant takes the thread back from a handoff: the assistant answers again. */
  async resumeAi(): Promise<void> {
    this.step({ type: 'thread.resumed' })
  }

  /** A deleted cart takes its part of the conversation and its offered code with it. */
  async forgetCart(cartId: string): Promise<void> {
    this.store.forgetCart(cartId)
  }

  /** A privacy erasure: the thread and held state go, the consent ledger stays (see storage). */
  async forgetPerson(): Promise<{ conversation: number; consent: number }> {
    const conversation = this.store.forgetPerson()
    this.hooks.clear()
    await this.schedule()
    return { conversation, consent: this.store.ledger().length }
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
  ): Promise<MerchantReplyResult> {
    this.remember(ref)
    if ((await this.facts(ref)).suppressed) return { sent: false, reason: 'suppressed' }
    return sendMerchantReply(sendHost(this.shell, ref, policy), cartId, text, requestKey)
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
    // The alarm that rang is deleted after this pass unless it sets one: write it again.
    this.alarms.forget()
    try {
      if (ref && policy) await work(this.shell, ref, policy)
    } finally {
      await react(this.shell, { type: 'alarm.rang' }, ref, policy)
      await this.schedule()
    }
  }

  /** Load, decide, persist: returns the effects storage does not run itself. */
  private step(event: ContactEvent, policy: Policy = NO_POLICY): ContactEffect[] {
    const before = this.store.state()
    const t = next(before, event, this.clock(), policy)
    this.store.saveState(t.state)
    this.recordHook(event, t.state.activeCart, policy)
    return this.store.apply(t.effects)
  }

  /** The webhook event a handled text makes (`contactHappening`), with the transition. */
  private recordHook(event: ContactEvent, cartId: string | null, policy: Policy) {
    if (!HOOKED.has(event.type)) return
    const ref = this.store.get<ContactRef>('ref')
    // The store's copy this step runs on (every event here comes with one): a store without
    // endpoints records nothing.
    const wanted = policy.hookTypes
    if (ref?.channel !== 'sms' || !wanted) return
    const made = contactHappening(event as ContactFact, ref.address, cartId, this.clock())
    if (made && wanted.includes(made.type)) this.hooks.add(ref.storeId, [made])
  }

  /**
   * One alarm for everything (see `wakeAt`), written when its time changes; first the events
   * owed to webhooks are handed over.
   */
  private async schedule() {
    await this.hooks.flush(this.env, () => this.clock())
    await this.alarms.keep(this.wakeAt())
  }

  private wakeAt(): number | null {
    const now = this.clock()
    const times = [wakeAt(this.store.state(), this.store.timers(), now), this.hooks.dueAt(now)]
    const due = times.filter((t): t is number => t !== null)
    return due.length === 0 ? null : Math.min(...due)
  }

  /**
   * Keeps the policy the alarm answers with. Written only when it differs from the last one this
   * instance wrote, so a text from a known sender commits no policy row (a new instance writes
   * it once).
   */
  private keepPolicy(policy: ContactPolicy) {
    const json = JSON.stringify(policy)
    if (json === this.policyJson) return
    this.store.put('policy', policy)
    this.policyJson = json
  }

  private remember(ref: ContactRef) {
    if (!this.store.get('ref')) this.store.put('ref', ref)
  }
}
