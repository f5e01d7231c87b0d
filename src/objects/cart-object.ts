import { DurableObject } from 'cloudflare:workers'
import { type Adapters, createAdapters } from '../adapters'
import { linksContacts } from '../domain/cart/contact-link'
import { newCart, next, wakeAt } from '../domain/cart/machine'
import { parseState } from '../domain/cart/schema'
import type {
  Beacon,
  CartEvent,
  CartState,
  JournalEntry,
  MerchantAction,
  OrderReport,
} from '../domain/cart/types'
import type { CartPolicy } from '../domain/store/settings'
import { CartDelivery } from './cart-delivery'
import { storefrontClaims, webhookTakes } from './cart-orders'
import { contactFacts, currentPolicy } from './cart-peers'
import { CART_MIGRATIONS, erased, eraseLayout, persist } from './cart-storage'
import type { ApplyResult, Billing, CartSnapshot, IngestResult, TakeResult } from './cart-types'
import { readJournal } from './journal'
import { migrateStorage } from './migrations'
import { Outbox } from './outbox'
import type { CartRef, ClaimRequest } from './stubs'

export type { ApplyResult, Billing, CartSnapshot, IngestResult, TakeResult } from './cart-types'

/** An alarm that cannot read the store's settings comes back after this long. */
const SETTINGS_RETRY_MS = 60_000
type Noted = Omit<Extract<CartEvent, { type: 'message.recorded' }>, 'type'>

/**
 * One shopping cart. Loads state, runs the pure `next`, persists state, journal and outbox in
 * one transaction, sets the single alarm, then runs the outbox (`cart-delivery.ts`). Safe to
 * repeat: alarms are at-least-once and the outbox is re-run on the next wake.
 */
export class CartObject extends DurableObject<Env> {
  private state: CartState | null = null
  /** The newest store settings this cart has seen; stored only when they change. */
  private known: CartPolicy | null = null
  protected adapters: Adapters
  /** The one clock this object reads; a test steps it through `runInDurableObject`. */
  clock: () => number = () => Date.now()
  private readonly outbox: Outbox
  private readonly kv: SyncKvStorage
  private readonly delivery: CartDelivery

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.adapters = createAdapters(env)
    this.outbox = new Outbox(ctx.storage)
    this.delivery = new CartDelivery({
      env,
      outbox: this.outbox,
      adapters: () => this.adapters,
      clock: () => this.clock(),
      state: () => this.state,
      policy: () => this.policy(),
      settle: (s) => this.event({ type: 'message.settled', coupon: null, ...s }),
    })
    this.kv = ctx.storage.kv
    ctx.blockConcurrencyWhile(async () => {
      migrateStorage(ctx.storage, CART_MIGRATIONS)
      this.state = parseState(this.kv.get('state'))
      const stored = this.kv.get<CartPolicy>('policy')
      // Copies stored before settings had a version are older than any the store has now.
      this.known = stored ? { ...stored, version: stored.version ?? 0 } : null
    })
  }

  /**
   * A beacon from the storefront; creates the cart on first sight. An order beacon is applied
   * only if this cart may claim the order: the cart holds or held items, takes the order
   * (`takesOrder`) and won its id (issue 11); the claim and the order are one step for the cart.
   */
  async ingest(
    ref: CartRef,
    beacon: Beacon,
    policy: CartPolicy,
    currency: string,
  ): Promise<IngestResult> {
    const order = beacon.kind === 'order' ? beacon.order : undefined
    const done = order
      ? await this.ctx.blockConcurrencyWhile(async () =>
          (await storefrontClaims(this.orders(), ref, order.id, beacon.items?.length ?? 0))
            ? this.commitBeacon(ref, beacon, policy, currency)
            : null,
        )
      : this.commitBeacon(ref, beacon, policy, currency)
    if (!done) return { state: this.state, linkContacts: false }
    await this.afterCommit()
    const { before, result } = done
    return { ...result, linkContacts: linksContacts(before, result.state, beacon) }
  }

  private commitBeacon(ref: CartRef, beacon: Beacon, policy: CartPolicy, currency: string) {
    const now = this.clock()
    const floor = this.kv.get<number>('revisionFloor') ?? 0
    const before = this.state ?? newCart(ref.storeId, ref.cartId, currency, now, floor)
    const extra: JournalEntry[] = this.state
      ? []
      : [{ at: now, type: 'cart.created', source: 'storefront' }]
    return {
      before,
      result: this.commit(before, { type: 'beacon.received', beacon }, policy, extra),
    }
  }

  /**
   * An order from the signed WooCommerce webhook: claimed (`ClaimRequest`) and applied in one
   * step when the cart exists, takes it, and (with `billing`) is the order's billing contact's.
   */
  async takeOrder(
    ref: CartRef,
    order: OrderReport,
    policy: CartPolicy,
    claim: Pick<ClaimRequest, 'named' | 'over'> = {},
    billing?: Billing,
  ): Promise<TakeResult> {
    const outcome = await this.ctx.blockConcurrencyWhile(() =>
      webhookTakes(
        this.orders(),
        ref,
        order,
        claim,
        billing,
        (s) => this.commit(s, { type: 'order.reported', order }, policy).state,
      ),
    )
    if (outcome.taken) await this.afterCommit()
    return outcome
  }

  /** A signed webhook credited cart `to` with the order this cart's storefront reported. */
  async orderMoved(orderId: string, to: string): Promise<void> {
    await this.event({ type: 'order.moved', orderId, to })
  }

  /** Whether the cart exists (not erased): a restore link's GET asks only this. */
  async exists(): Promise<boolean> {
    return this.state !== null
  }

  /** The storefront rebuilt the cart from a restore link; `recorded`: not a repeat. */
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
    const address = channel === 'email' ? this.state?.contact.email : this.state?.contact.phone
    await this.event({ type: 'contact.unsubscribed', channel, source })
    return address ?? null
  }

  /** A provider event about one of this cart's messages, for the timeline. */
  async noteMessageEvent(e: { messageId: string; step: string; event: string; at: number }) {
    await this.event({ type: 'message.event', ...e })
  }

  /** A message sent for this cart outside its sequence (the SMS opt-in request). */
  async noteMessage(m: Noted): Promise<void> {
    if (this.state) await this.apply(this.state, { type: 'message.recorded', ...m }, this.policy())
  }

  async act(action: MerchantAction, policy: CartPolicy): Promise<ApplyResult | null> {
    return this.state ? this.apply(this.state, { type: 'merchant.acted', action }, policy) : null
  }

  async snapshot(): Promise<CartSnapshot | null> {
    return this.state ? { state: this.state, journal: readJournal(this.ctx.storage) } : null
  }

  /**
   * Erases everything this cart holds (state, journal, consent, outbox, alarm). Keeps only a
   * revision floor so a reused cart id starts above every report already in flight; erasing
   * again answers with the same floor. `unchangedSince`: kept if changed since (retention).
   */
  async erase(
    opts: { unchangedSince?: number } = {},
  ): Promise<{ revision: number; phone?: string } | { kept: true } | null> {
    if (!this.state) return erased(this.ctx.storage)
    if (opts.unchangedSince !== undefined && this.state.updatedAt >= opts.unchangedSince)
      return { kept: true }
    const state = this.state
    await this.ctx.storage.deleteAlarm()
    await this.ctx.storage.deleteAll()
    this.known = null
    this.state = null
    return eraseLayout(this.ctx.storage, state)
  }

  /**
   * Steps are decided and sent from the store's settings as they are now (cached per isolate for
   * a few seconds), not from the copy the last beacon brought. When D1 cannot be read, the
   * alarm comes back shortly rather than act on settings that may be stale.
   */
  override async alarm(): Promise<void> {
    if (!this.state) return
    const policy = await currentPolicy(this.env, this.state.storeId, this.policy())
    if (!policy) return this.ctx.storage.setAlarm(this.clock() + SETTINGS_RETRY_MS)
    if (!this.state) return
    const contact = await contactFacts(this.env, this.state, policy, () => this.state)
    if (this.state) await this.apply(this.state, { type: 'timer.fired', contact }, policy)
  }

  /** A newer cart of the same contact took over: this one's sequence stops. */
  async supersede(by: string): Promise<void> {
    if (by !== this.state?.cartId) await this.event({ type: 'sequence.superseded', by })
  }

  /** The shopper's text and what came of it, for the timeline (`sms.<keyword>`). */
  async replied(
    keyword: string,
    detail?: Record<string, string | number | boolean | null>,
  ): Promise<void> {
    await this.event({ type: 'contact.replied', keyword, ...(detail ? { detail } : {}) })
  }

  /** An event under the cart's own copy of the settings; nothing when the cart does not exist. */
  private async event(e: CartEvent): Promise<void> {
    if (this.state) await this.apply(this.state, e, null)
  }

  /** Runs one event under the newer of `incoming` and the cart's own policy (null: its own). */
  private async apply(
    state: CartState,
    event: CartEvent,
    incoming: CartPolicy | null,
    extra: JournalEntry[] = [],
  ) {
    const result = this.commit(state, event, incoming, extra)
    await this.afterCommit()
    return result
  }

  /** Decides and persists state, journal and outbox in one transaction; no await in between. */
  private commit(
    state: CartState,
    event: CartEvent,
    incoming: CartPolicy | null,
    extra: JournalEntry[] = [],
  ): ApplyResult {
    const now = this.clock()
    const policy = this.adopt(incoming)
    const known = this.known
    // The policy is rewritten only when it changes, not with every event.
    const changed = !known || known.version !== policy.version || known.baseUrl !== policy.baseUrl
    const t = next(state, event, now, policy)
    const journal = [...extra, ...t.journal]
    persist(this.ctx.storage, this.outbox, { ...t, policy: changed ? policy : null, journal, now })
    this.state = t.state
    this.known = policy
    return t.refused ? { state: t.state, refused: t.refused } : { state: t.state }
  }

  /** The alarm, then the outbox, then the alarm again (the outbox moved its rows). */
  private async afterCommit(): Promise<void> {
    await this.schedule()
    await this.delivery.flush()
    await this.schedule()
  }

  /**
   * One alarm: the earliest of the machine's wake time and the outbox's next due row, from the
   * current state (other events may have run while this one awaited a provider).
   */
  private async schedule(): Promise<void> {
    const wake = this.state ? wakeAt(this.state, this.policy()) : null
    const times = [wake, this.outbox.earliestDue(this.clock())].filter((t) => t !== null)
    if (times.length === 0) await this.ctx.storage.deleteAlarm()
    else await this.ctx.storage.setAlarm(Math.min(...times))
  }

  private orders() {
    return { env: this.env, storage: this.ctx.storage, state: this.state }
  }

  private policy(): CartPolicy {
    if (!this.known) throw new Error('cart has state but no policy')
    return this.known
  }

  /** The newer of the cart's copy and `incoming` (a tie: `incoming`); a stale cache never wins. */
  private adopt(incoming: CartPolicy | null): CartPolicy {
    if (!incoming) return this.policy()
    return this.known && this.known.version > incoming.version ? this.known : incoming
  }
}
