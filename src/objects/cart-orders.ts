/**
 * The cart's side of an order id's claim (issue 11): which cart takes an order, decided while
 * the cart blocks other events, so a claim never stays with a cart that refused the order.
 */
import { takesOrder } from '../domain/cart/machine'
import type { CartState, OrderReport } from '../domain/cart/types'
import { billedTo, claimOrder } from './cart-peers'
import type { Billing, TakeResult } from './cart-types'
import { hadItems, type JournalHost } from './journal'
import type { CartRef, ClaimRequest } from './stubs'

/** What the claim needs of the cart object: its env, its state and its journal. */
export type OrderHost = JournalHost & {
  env: Env
  state: CartState | null
}

/**
 * Whether an order beacon from the storefront may be applied: only a cart that holds or held
 * items and will take the order (`takesOrder`: no paid order of its own, or this one) asks for
 * the id, so a cart claims at most one order id it does not already hold; and the storefront
 * never takes an id another cart holds (a reloaded thank-you page, another browser).
 */
export async function storefrontClaims(
  host: OrderHost,
  ref: CartRef,
  orderId: string,
  itemCount: number,
): Promise<boolean> {
  if (itemCount === 0 && !hadItems(host, host.state)) return false
  if (host.state && !takesOrder(host.state, orderId)) return false
  const held = await claimOrder(host.env, ref, orderId, { by: 'storefront' })
  return held?.cart === ref.cartId
}

/**
 * An order from the signed webhook: the cart must exist, take the order, and (with `billing`)
 * be the billing contact's; then it claims the id (`claim`: see `ClaimRequest`) and `apply`
 * commits the order (synchronously, in the same step).
 */
export async function webhookTakes(
  host: OrderHost,
  ref: CartRef,
  order: OrderReport,
  claim: Pick<ClaimRequest, 'named' | 'over'>,
  billing: Billing | undefined,
  apply: (s: CartState) => CartState,
): Promise<TakeResult> {
  const s = host.state
  if (!s) {
    const erased = host.storage.kv.get('revisionFloor') !== undefined
    return { taken: false, reason: erased ? 'erased' : 'no_cart' }
  }
  if (!takesOrder(s, order.id)) return { taken: false, reason: 'refused' }
  if (billing && !billedTo(s, billing)) return { taken: false, reason: 'stranger' }
  const held = await claimOrder(host.env, ref, order.id, { ...claim, by: 'webhook' })
  if (!held) return { taken: false, reason: 'unavailable' }
  if (held.cart !== ref.cartId) return { taken: false, reason: 'claimed', holder: held.cart }
  return { taken: true, state: apply(s), displaced: held.displaced }
}
