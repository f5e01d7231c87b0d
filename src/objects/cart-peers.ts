/**
 * What a cart asks of other objects: the order id's claim, and what the contact objects know.
 * Reached only through `stubs.ts`.
 */

import { cachedStoreById } from '../db/stores'
import type { CartState } from '../domain/cart/types'
import type { ContactFacts } from '../domain/sequence/policy'
import { type CartPolicy, cartPolicy } from '../domain/store/settings'
import { log } from '../lib/log'
import { type CartRef, type ClaimRequest, type ClaimResult, contactStub, orderStub } from './stubs'

/**
 * Asks the order id's object for the id. Null when it cannot be reached: caught, because a
 * throw inside the cart's `blockConcurrencyWhile` would reset the object and cut off a text it
 * is sending.
 */
export async function claimOrder(
  env: Env,
  ref: CartRef,
  orderId: string,
  req: Omit<ClaimRequest, 'cart'>,
): Promise<ClaimResult | null> {
  const orderRef = { storeId: ref.storeId, orderId }
  return orderStub(env.ORDER, orderRef)
    .claim(orderRef, { ...req, cart: ref.cartId })
    .catch((err: unknown) => {
      const what =
        req.by === 'storefront'
          ? 'order claim unavailable; order beacon dropped'
          : 'order claim unavailable'
      const where = req.by === 'storefront' ? { ...orderRef, cartId: ref.cartId } : orderRef
      log('warn', what, { ...where, error: String(err) })
      return null
    })
}

/**
 * What the contact objects know and the cart does not: suppression, reply-YES confirmation,
 * the latest consent and every text the phone got (any cart). Asked only when the sequence
 * may act, so an ordinary alarm costs nothing. `current` reads the cart again afterwards: if a
 * beacon changed the phone or email meanwhile, the facts are not theirs (none returned).
 */
export async function contactFacts(
  env: Env,
  s: CartState,
  policy: CartPolicy,
  current: () => CartState | null,
): Promise<Partial<ContactFacts>> {
  const acting =
    s.status === 'abandoned' ||
    s.status === 'restored' ||
    (s.status === 'active' && s.items.length > 0)
  if (!acting) return {}
  const facts: Partial<ContactFacts> = {}
  if (s.contact.phone) {
    const ref = { storeId: s.storeId, channel: 'sms' as const, address: s.contact.phone }
    const f = await contactStub(env.CONTACT, ref).facts(ref)
    facts.smsSuppressed = f.suppressed
    facts.smsOptInConfirmed = !policy.smsDoubleOptIn || f.optIn === 'confirmed'
    if (f.consent) facts.smsConsent = f.consent
    facts.recentTexts = f.recentTexts
  }
  if (s.contact.email) {
    const ref = { storeId: s.storeId, channel: 'email' as const, address: s.contact.email }
    const f = await contactStub(env.CONTACT, ref).facts(ref)
    facts.emailSuppressed = f.suppressed
  }
  const now = current()?.contact
  if (now?.phone !== s.contact.phone || now?.email !== s.contact.email) return {}
  return facts
}

/**
 * The store's current settings (cached per isolate for a few seconds), or the cart's own copy
 * when the store has no row (stores are never deleted). Null when D1 cannot be read.
 */
export async function currentPolicy(
  env: Env,
  storeId: string,
  known: CartPolicy,
): Promise<CartPolicy | null> {
  try {
    const store = await cachedStoreById(env.DB, storeId)
    return store ? cartPolicy(store, known.baseUrl) : known
  } catch (err) {
    log('warn', 'store settings unavailable; alarm retried', { storeId, error: String(err) })
    return null
  }
}

/** The cart's contact is the order's billing email or phone (both normalised). */
export function billedTo(s: CartState, b: { email: string | null; phone: string | null }): boolean {
  return (
    (b.email !== null && s.contact.email === b.email) ||
    (b.phone !== null && s.contact.phone === b.phone)
  )
}
