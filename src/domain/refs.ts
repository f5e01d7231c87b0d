// What names each object: plain data, so the layers below the objects (services, the domain) can
// speak of a cart, a contact or an order without importing an object.

/** Identifies a cart; the object's name is derived from it. */
export type CartRef = { storeId: string; cartId: string }

/** One person's address at one store: `sms` + E.164 phone, or `email` + normalised address. */
export type ContactRef = { storeId: string; channel: 'email' | 'sms'; address: string }

/** Identifies one order of one store; the object's name is derived from it. */
export type OrderRef = { storeId: string; orderId: string }
