// Shared by the WooCommerce webhook tests: an order as WooCommerce sends it, posted signed (or
// not), and a cart for it to recover.
import type { Store } from '../src/db/stores'
import { toBase64, utf8 } from '../src/lib/encoding'
import { hmacSha256 } from '../src/lib/hmac'
import { contactCart } from './carts'
import { call } from './helpers'

export type Order = Record<string, unknown>

export function wooOrder(o: Order = {}): Order {
  return {
    id: 5001,
    status: 'processing',
    currency: 'USD',
    total: '52.50',
    date_created_gmt: new Date(Date.now()).toISOString().slice(0, 19),
    billing: { email: 'shopper@example.com', phone: '(415) 555-2671' },
    meta_data: [],
    refunds: [],
    line_items: [{ id: 1, name: 'Ocean Tee' }],
    ...o,
  }
}

export async function send(store: Store, body: string, headers: Record<string, string> = {}) {
  return call(`/webhooks/woocommerce/${store.id}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-WC-Webhook-Topic': 'order.updated',
      ...headers,
    },
    body,
  })
}

export async function signed(store: Store, order: Order, headers: Record<string, string> = {}) {
  const body = JSON.stringify(order)
  const sig = toBase64(await hmacSha256(store.woocommerceWebhookSecret, utf8.encode(body)))
  return send(store, body, { 'X-WC-Webhook-Signature': sig, ...headers })
}

/** A cart of `store` with items and the given contact, and its object. */
export const cartIn = (store: Store, contact: Record<string, string> = {}) =>
  contactCart(store, contact)

/** The order meta that names the cart (`_cartback_cart`). */
export const meta = (id: string) => [{ id: 1, key: '_cartback_cart', value: id }]
