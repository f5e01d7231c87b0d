import { DurableObject } from 'cloudflare:workers'
import { benchEnv, benchObject } from '../bench-mode'
import { cartForOrder } from '../db/orders'
import type { ClaimRequest, ClaimResult, ClaimSource, Holder, OrderRef } from './stubs'

/**
 * One order id of one store, held by exactly one cart. A Durable Object runs one call at a
 * time, so two browsers (or a beacon and the webhook) that report the same order at once cannot
 * both win, as a D1 read-then-write could (issue 11). Holds two ids and the claim's source.
 *
 * The first claim wins, with two exceptions: a signed webhook whose meta names a cart takes the
 * order from a storefront claim (the public key lets anyone beacon any order id), and a claim
 * whose cart refused the order gives way to the caller that found it so.
 */
export class OrderObject extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, benchEnv(env))
    benchObject(this, ctx, this.env)
  }

  /** The cart that holds the order, or null. Never claims. */
  async holder(ref: OrderRef): Promise<Holder | null> {
    return this.stored() ?? this.ctx.blockConcurrencyWhile(() => this.fromD1(ref))
  }

  /** Claims the order for `req.cart` where the rules above allow; answers the holder after. */
  async claim(ref: OrderRef, req: ClaimRequest): Promise<ClaimResult> {
    const known = this.stored()
    if (known !== undefined) return this.decide(known, req)
    // No other call runs while D1 is read, so the read, the decision and the write are one step.
    return this.ctx.blockConcurrencyWhile(async () =>
      this.decide(this.stored() ?? (await this.fromD1(ref)), req),
    )
  }

  /**
   * The holder undid the order on these displaced carts (`CartObject.orderMoved`): they are no
   * longer handed out. Until then every claim of the holder hands them out again, so a
   * redelivery or the next update finishes an undo that failed.
   */
  async ack(displaced: string[]): Promise<void> {
    this.setPending(this.pending().filter((c) => !displaced.includes(c)))
  }

  private decide(held: Holder | null, req: ClaimRequest): ClaimResult {
    if (held && held.cart === req.cart) {
      // A webhook confirming the storefront's report makes the claim the webhook's.
      if (req.by === 'webhook' && held.by !== 'webhook')
        this.store({ cart: req.cart, by: 'webhook' })
      const by = held.by === 'webhook' ? 'webhook' : req.by
      return { cart: req.cart, by, displaced: this.pending() }
    }
    const wins =
      held === null ||
      held.cart === req.over ||
      (req.by === 'webhook' && req.named === true && held.by === 'storefront')
    if (!wins) return { ...held, displaced: [] }
    this.store({ cart: req.cart, by: req.by })
    // Kept with the claim (one write), so a failed undo is never forgotten.
    if (held) this.setPending([...this.pending().filter((c) => c !== req.cart), held.cart])
    return { cart: req.cart, by: req.by, displaced: this.pending() }
  }

  /** Displaced carts whose storefront report is not yet undone. */
  private pending(): string[] {
    return this.ctx.storage.kv.get<string[]>('displaced') ?? []
  }

  private setPending(carts: string[]): void {
    if (carts.length > 0) this.ctx.storage.kv.put('displaced', carts)
    else this.ctx.storage.kv.delete('displaced')
  }

  private store(h: Holder): void {
    this.ctx.storage.kv.put('cart', h.cart)
    this.ctx.storage.kv.put('by', h.by)
  }

  /**
   * The stored claim; undefined when none was ever stored. A claim stored before claims had a
   * source counts as the storefront's, so a signed webhook's meta may still correct it.
   */
  private stored(): Holder | undefined {
    const cart = this.ctx.storage.kv.get<string>('cart')
    if (cart === undefined) return undefined
    return { cart, by: this.ctx.storage.kv.get<ClaimSource>('by') ?? 'storefront' }
  }

  /**
   * Orders matched before claims existed are known only to D1 (by a beacon or the webhook: it
   * does not say, so the claim counts as the storefront's). Call while blocking concurrency.
   */
  private async fromD1(ref: OrderRef): Promise<Holder | null> {
    const again = this.stored()
    if (again !== undefined) return again
    const owner = await cartForOrder(this.env.DB, ref.storeId, ref.orderId)
    if (owner === null) return null
    const h: Holder = { cart: owner, by: 'storefront' }
    this.store(h)
    return h
  }
}
