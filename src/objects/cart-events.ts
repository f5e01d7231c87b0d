/**
 * The cart object's RPC methods that only turn their arguments into one cart event (or read the
 * state): `CartObject` extends this, so they stay its methods for the stubs.
 */
import { DurableObject } from 'cloudflare:workers'
import type { CartEvent, CartState, JournalEntry, MerchantAction } from '../domain/cart/types'
import type { CartPolicy } from '../domain/store/settings'
import { cartTables } from './cart-storage'
import type { ApplyResult, CartSnapshot } from './cart-types'
import { readJournal } from './journal'

type Noted = Omit<Extract<CartEvent, { type: 'message.recorded' }>, 'type'>

export abstract class CartEvents extends DurableObject<Env> {
  protected state: CartState | null = null
  /** The journal's newest entries, stored with the state (`journal.ts`). */
  protected tail: JournalEntry[] = []
  /** The cart's tables, built by the first write that needs one (`cartTables`). */
  protected readonly tables = cartTables(this.ctx.storage)

  /** Runs one event under the newer of `incoming` and the cart's own policy (null: its own). */
  protected abstract apply(
    state: CartState,
    event: CartEvent,
    incoming: CartPolicy | null,
    extra?: JournalEntry[],
  ): Promise<ApplyResult>

  /** The cart's own copy of the store's settings. */
  protected abstract policy(): CartPolicy

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

  /**
   * The shopper unsubscribed this cart's address; returns it so the caller can suppress it.
   * `policy`: the store's settings now (its webhooks' event types among them).
   */
  async unsubscribed(
    channel: 'email' | 'sms',
    source: string,
    policy: CartPolicy | null = null,
  ): Promise<string | null> {
    const address = channel === 'email' ? this.state?.contact.email : this.state?.contact.phone
    const e = { type: 'contact.unsubscribed', channel, source } as const
    if (this.state) await this.apply(this.state, e, policy)
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
    return this.state
      ? {
          state: this.state,
          journal: readJournal({ storage: this.ctx.storage, tables: this.tables, tail: this.tail }),
        }
      : null
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
  protected async event(e: CartEvent): Promise<void> {
    if (this.state) await this.apply(this.state, e, null)
  }
}
