import { type Adapters, createAdapters } from '../adapters'
import { benchEnv, benchObject } from '../bench-mode'
import { getConfig } from '../config'
import { contactLinks } from '../domain/cart/contact-link'
import { next, stepDueAt, wakeAt } from '../domain/cart/machine'
import { parseState } from '../domain/cart/schema'
import { experimentsDue, needsAssignment } from '../domain/cart/timer'
import type { Beacon, CartEvent, CartState, JournalEntry, OrderReport } from '../domain/cart/types'
import { assignmentFor, variantBucketsFor } from '../domain/experiment/assign'
import type { CartPolicy } from '../domain/store/settings'
import { cartHappenings } from '../domain/webhook/happenings'
import { log } from '../lib/log'
import { CartDelivery } from './cart-delivery'
import { CartEvents } from './cart-events'
import { storefrontClaims, webhookTakes } from './cart-orders'
import { contactFacts, currentPolicy } from './cart-peers'
import { PolicyCopy } from './cart-policy'
import { CartReports } from './cart-reports'
import { type Erased, eraseCart, OneAlarm, opening, persist } from './cart-storage'
import type { ApplyResult, Billing, IngestResult, TakeResult } from './cart-types'
import { HookOutbox } from './hook-outbox'
import { storedTail } from './journal'
import { Outbox, RETRY_BASE_MS } from './outbox'
import type { CartRef, ClaimRequest } from './stubs'

export type { ApplyResult, Billing, CartSnapshot, IngestResult, TakeResult } from './cart-types'

/** An alarm that cannot read the store's settings comes back after this long. */
const SETTINGS_RETRY_MS = 60_000

/**
 * One shopping cart. Loads state, runs the pure `next`, persists state, journal and outbox in
 * one transaction, sets the single alarm, then runs the outbox (`cart-delivery.ts`). Safe to
 * repeat: alarms are at-least-once and the outbox is re-run on the next wake. The RPC methods
 * that only turn their arguments into one event are in `cart-events.ts`.
 */
export class CartObject extends CartEvents {
  private readonly policies = new PolicyCopy()
  protected adapters: Adapters
  /** The one clock this object reads; a test steps it through `runInDurableObject`. */
  clock: () => number = () => Date.now()
  private readonly outbox: Outbox
  private readonly delivery: CartDelivery
  private readonly alarms: OneAlarm
  /** Events owed to the store's webhook endpoints (issue 16). */
  private readonly hooks: HookOutbox
  private reports = new CartReports(undefined)
  /** The alarm write of the last commit, awaited by its `afterCommit`. */
  private armed: Promise<void> = Promise.resolve()

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, benchEnv(env))
    benchObject(this, ctx, this.env)
    this.adapters = createAdapters(this.env)
    this.outbox = new Outbox(ctx.storage, this.tables)
    this.alarms = new OneAlarm(ctx.storage)
    this.hooks = new HookOutbox(ctx.storage.kv)
    this.delivery = new CartDelivery({
      env: this.env,
      outbox: this.outbox,
      adapters: () => this.adapters,
      clock: () => this.clock(),
      state: () => this.state,
      reports: () => this.reports,
      policy: () => this.policy(),
      settle: (s) => this.event({ type: 'message.settled', coupon: null, ...s }),
    })
    ctx.blockConcurrencyWhile(async () => {
      this.tables.open()
      const stored = ctx.storage.kv.get('state')
      this.state = parseState(stored)
      this.reports = new CartReports(stored, getConfig(this.env).REPORT_WAIT_SECONDS * 1000)
      this.tail = storedTail(stored)
      this.policies.load(ctx.storage.kv)
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
    if (!done) return { state: this.state, links: [] }
    await this.afterCommit({ answerFirst: true })
    const { before, result } = done
    return { ...result, links: contactLinks(before, result.state, beacon) }
  }

  private commitBeacon(ref: CartRef, beacon: Beacon, policy: CartPolicy, currency: string) {
    const { before, extra } = opening(this.ctx.storage, this.state, ref, currency, this.clock())
    const result = this.commit(before, { type: 'beacon.received', beacon }, policy, extra)
    return { before, result }
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
    const apply = (s: CartState) => this.commit(s, { type: 'order.reported', order }, policy).state
    const outcome = await this.ctx.blockConcurrencyWhile(() =>
      webhookTakes(this.orders(), ref, order, claim, billing, apply),
    )
    if (outcome.taken) await this.afterCommit()
    return outcome
  }

  /**
   * Erases everything this cart holds (state, journal, consent, outbox, alarm). Keeps only a
   * revision floor so a reused cart id starts above every report already in flight; erasing
   * again answers with the same floor. `unchangedSince`: kept if changed since (retention).
   */
  async erase(opts: { unchangedSince?: number } = {}): Promise<Erased> {
    const out = await eraseCart(this.store(), this.state, opts.unchangedSince)
    this.alarms.forget()
    if (out && !('kept' in out)) {
      this.policies.keep(null)
      this.state = null
      this.tail = []
    }
    return out
  }

  /**
   * Steps are decided and sent from the store's settings as they are now (cached per isolate for
   * a few seconds), not from the copy the last beacon brought. When D1 cannot be read, the
   * alarm comes back shortly rather than act on settings that may be stale.
   */
  override async alarm(): Promise<void> {
    // The alarm that fired is gone once this returns: whatever is due is written again.
    this.alarms.fired()
    if (!this.state) return
    const policy = await currentPolicy(this.env, this.state.storeId, this.policy())
    if (!policy) return this.alarms.keep([this.clock() + SETTINGS_RETRY_MS])
    if (!this.state) return
    // The contact objects are asked only when a step is due: an abandonment whose first step is
    // an hour away costs no call to them. A step that came due since is left for the next wake.
    const contact = stepDueAt(this.state, this.clock(), policy)
      ? await contactFacts(this.env, this.state, policy, () => this.state)
      : null
    if (!this.state) return
    // A wake that abandons the cart while its store runs a holdout brings the cart's bucket,
    // for the settings the commit will run on (the cart's own copy when a beacon brought a
    // newer one than this isolate's cache).
    // So does a step coming due with variants: the cart's bucket in that step's experiment.
    const adopted = this.policies.adopt(policy).policy
    const key = getConfig(this.env).SIGNING_SECRET
    const assignment =
      adopted.holdout && needsAssignment(this.state, this.clock(), adopted)
        ? await assignmentFor(this.state, adopted.holdout, key)
        : null
    const due = contact ? experimentsDue(this.state, this.clock(), adopted) : []
    const variants = due.length > 0 ? await variantBucketsFor(this.state, due, key) : undefined
    if (this.state) {
      await this.apply(this.state, { type: 'timer.fired', contact, assignment, variants }, policy)
    }
  }

  protected async apply(
    state: CartState,
    event: CartEvent,
    incoming: CartPolicy | null,
    extra: JournalEntry[] = [],
  ): Promise<ApplyResult> {
    const result = this.commit(state, event, incoming, extra)
    await this.afterCommit()
    return result
  }

  /**
   * Decides and persists state, journal and outbox in one transaction; no await in between. A
   * transition that changed nothing (an early alarm: the same state, no journal, no effects)
   * writes nothing.
   */
  private commit(
    state: CartState,
    event: CartEvent,
    incoming: CartPolicy | null,
    extra: JournalEntry[] = [],
  ): ApplyResult {
    const now = this.clock()
    // The policy is rewritten only when it changes, not with every event.
    const { policy, changed } = this.policies.adopt(incoming)
    const t = next(state, event, now, policy)
    const journal = [...extra, ...t.journal]
    if (t.state !== state || journal.length > 0 || t.effects.length > 0 || changed) {
      const reported = this.reports.reported()
      const write = {
        ...t,
        reported,
        policy: changed ? policy : null,
        tail: this.tail,
        journal,
        now,
      }
      this.tail = persist(this.store(), write)
      // In the same turn as the state's write: both commit, or neither.
      // Only the types the store's endpoints take: a store without endpoints writes nothing more.
      const wanted = policy.hookTypes
      if (wanted && journal.length > 0) {
        const made = cartHappenings(journal, t.state).filter((h) => wanted.includes(h.type))
        this.hooks.add(t.state.storeId, made)
      }
    }
    this.state = t.state
    this.policies.keep(policy)
    // Issued in the same tick as the write, so the two are committed together (a commit inside
    // `blockConcurrencyWhile` is followed by its `afterCommit` only after an await).
    this.armed = this.arm()
    return t.refused ? { state: t.state, refused: t.refused } : { state: t.state }
  }

  /**
   * The alarm, then the outbox and the report, then the alarm again (the outbox moved its rows).
   * One alarm: the earliest of the machine's wake time, the outbox's next due row and the time a
   * waiting report goes (`CartReports.dueAt`), from the current state (other events may have
   * run while this one awaited a provider). `OneAlarm` writes it only when it must fire sooner
   * than the one set.
   *
   * Before the flush the alarm guards a send cut off mid-way (a crash): a message must be looked
   * at again within seconds. The report (`cart-reports.ts`) only needs some wake: any alarm
   * already set publishes it after a crash (nothing is lost, it may go later), so that write is
   * skipped. With no alarm known (a new cart, a restarted object, one that just fired), the
   * earliest of the machine's wake time and the outbox's rows is written (the report has no row
   * unless its publish failed); when neither wants one (a cart that ended), a report owed still
   * gets a wake within seconds as its backstop.
   *
   * `answerFirst` (a beacon): once that alarm is written, the caller is answered and the flush
   * runs after (`waitUntil`). The state is committed, so a crash before or during the flush loses
   * nothing: the next wake runs the outbox again and publishes the report still owed.
   */
  private async afterCommit({ answerFirst = false } = {}): Promise<void> {
    await this.armed
    // The hand-off to webhooks runs even when a send threw (it never throws itself).
    const hooks = () => this.hooks.flush(this.env, () => this.clock())
    const rest = this.delivery
      .flush()
      .then(hooks, async (err: unknown) => {
        await hooks()
        throw err
      })
      .then(() => this.schedule())
    if (!answerFirst) return rest
    this.ctx.waitUntil(
      rest.catch((err: unknown) => log('error', 'outbox flush failed', { error: String(err) })),
    )
  }

  /** The alarm a commit needs before its flush (see `afterCommit`). */
  private arm(): Promise<void> {
    if (this.outbox.messagesOpen()) return this.schedule()
    // Events owed to webhooks: a wake within seconds if a crash cuts off their hand-off, not
    // whatever later alarm is set (a step a day away).
    const hooks = this.hooks.dueAt(this.clock())
    if (hooks !== null)
      return this.alarms.keep([this.wake(), this.outbox.earliestDue(this.clock()), hooks])
    if (this.alarms.isSet()) return Promise.resolve()
    const wake = this.wake()
    const row = this.outbox.earliestDue(this.clock())
    // A report owed with nothing else to wake the object: its backstop, within seconds.
    const none = wake === null && row === null
    const owed = this.reports.owed(this.state) || this.hooks.owed().length > 0
    const backstop = none && owed ? this.clock() + RETRY_BASE_MS : null
    return this.alarms.keep([wake, row, backstop])
  }

  private schedule(): Promise<void> {
    const now = this.clock()
    const report = this.reports.dueAt(this.state, now)
    const hooks = this.hooks.dueAt(now)
    return this.alarms.keep([this.wake(), this.outbox.earliestDue(now), report, hooks])
  }

  private wake(): number | null {
    return this.state ? wakeAt(this.state, this.policy()) : null
  }

  private orders() {
    return { ...this.store(), env: this.env, state: this.state, tail: this.tail }
  }

  private store() {
    return { storage: this.ctx.storage, tables: this.tables, outbox: this.outbox }
  }

  protected policy(): CartPolicy {
    return this.policies.current()
  }
}
