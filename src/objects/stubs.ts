// The one place objects are reached from: each object's ref (what names it) and the helper that
// turns a ref into a stub. Objects import one another only as types, through here, so no
// import cycle runs through the objects (see docs/design/architecture.md).
import type { CartObject } from './cart-object'
import type { ContactObject } from './contact-object'
import type { LoginThrottle } from './login-throttle'
import type { OrderObject } from './order-object'

/** Identifies a cart; the object's name is derived from it. */
export type CartRef = { storeId: string; cartId: string }

/** One person's address at one store: `sms` + E.164 phone, or `email` + normalised address. */
export type ContactRef = { storeId: string; channel: 'email' | 'sms'; address: string }

/** Identifies one order of one store; the object's name is derived from it. */
export type OrderRef = { storeId: string; orderId: string }

/** The cart's object. */
export function cartStub(ns: DurableObjectNamespace<CartObject>, ref: CartRef) {
  return ns.getByName(`${ref.storeId}:${ref.cartId}`)
}

/** The contact's object: one per store and address. */
export function contactStub(ns: DurableObjectNamespace<ContactObject>, ref: ContactRef) {
  return ns.getByName(`${ref.storeId}:${ref.channel}:${ref.address}`)
}

/** The order id's object: which cart holds it. */
export function orderStub(ns: DurableObjectNamespace<OrderObject>, ref: OrderRef) {
  return ns.getByName(`${ref.storeId}:${ref.orderId}`)
}

/** The throttle of one dashboard account (its email, trimmed and lower-cased). */
export function loginThrottleStub(ns: DurableObjectNamespace<LoginThrottle>, email: string) {
  return ns.getByName(email.trim().toLowerCase())
}
