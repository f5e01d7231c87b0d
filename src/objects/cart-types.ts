/** What the cart object's RPC methods answer. */
import type { ContactLink } from '../domain/cart/contact-link'
import type { CartState, JournalEntry, Refusal } from '../domain/cart/types'

export type CartSnapshot = { state: CartState; journal: JournalEntry[] }
export type ApplyResult = { state: CartState; refused?: Refusal }
/** `state` is null when the beacon created nothing (an order this cart may not claim). */
export type IngestResult = {
  state: CartState | null
  refused?: Refusal
  /** What the contact objects need to hear of this beacon (none: nothing new about the person). */
  links: ContactLink[]
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
