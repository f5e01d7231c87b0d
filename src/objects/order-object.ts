import { DurableObject } from 'cloudflare:workers'
import { cartForOrder } from '../db/queries'

/** Identifies one order of one store; the object's name is derived from it, see `orderStub`. */
export type OrderRef = { storeId: string; orderId: string }

/** The stub of the one Durable Object that says which cart an order belongs to. */
export function orderStub(ns: DurableObjectNamespace<OrderObject>, ref: OrderRef) {
  return ns.getByName(`${ref.storeId}:${ref.orderId}`)
}

/**
 * One order id of one store, claimed by exactly one cart: the first to claim it keeps it. A
 * Durable Object runs one call at a time, so two browsers (or a beacon and the webhook) that
 * report the same order at once cannot both win, as a D1 read-then-write could (issue 11).
 * Holds the cart id only.
 */
export class OrderObject extends DurableObject<Env> {
  /**
   * Claims the order for `cartId` unless a cart already holds it, and answers the holder: the
   * caller's own id when it won, another cart's when it lost, null when nobody holds it and
   * `cartId` is null (a lookup).
   */
  async claim(ref: OrderRef, cartId: string | null): Promise<string | null> {
    const held = this.ctx.storage.kv.get<string>('cart')
    if (held !== undefined) return held
    // Orders matched before claims existed are known only to D1. No other call runs while this
    // one reads it, so the read and the write stay one step.
    return this.ctx.blockConcurrencyWhile(async () => {
      const again = this.ctx.storage.kv.get<string>('cart')
      if (again !== undefined) return again
      const owner = (await cartForOrder(this.env.DB, ref.storeId, ref.orderId)) ?? cartId
      if (owner !== null) this.ctx.storage.kv.put('cart', owner)
      return owner
    })
  }
}
