// Shared by the order-received tests: carts with items, order beacons from a thank-you page,
// signed WooCommerce order webhooks, and what D1 and the stats then show.
import { env } from 'cloudflare:workers'
import { expect } from 'vitest'
import type { Store } from '../src/db/stores'
import { toBase64, utf8 } from '../src/lib/encoding'
import { hmacSha256 } from '../src/lib/hmac'
import { cartStub } from '../src/objects/stubs'
import { abandonedCart, beacon, cartId, ITEMS } from './carts'
import { call, waitForRow } from './helpers'
import { projected } from './reports'

// Issue 11: each view of a WooCommerce order-received page reports the order again, under the
// fresh cart id the script starts after an order, or from another browser.

export const stubOf = (store: Store, id: string) =>
  cartStub(env.CART, { storeId: store.id, cartId: id })

export async function cartWithItems(store: Store) {
  const id = cartId()
  await beacon({ store: store.publishableKey, cart: id, type: 'cart', items: ITEMS })
  return { id, stub: stubOf(store, id) }
}

export function orderBeacon(store: Store, cart: string, orderId: string, total = 6400) {
  return beacon({
    store: store.publishableKey,
    cart,
    type: 'order',
    order: { id: orderId, total },
    page: 'https://shop.example/checkout/order-received/',
  })
}

export type Billing = { email?: string; phone?: string }

export function signedOrder(
  store: Store,
  orderId: number,
  cart?: string,
  billing: Billing = { email: 'someone@example.com' },
) {
  const body = JSON.stringify({
    id: orderId,
    status: 'processing',
    currency: 'USD',
    total: '64.00',
    date_created_gmt: new Date().toISOString().slice(0, 19),
    billing,
    meta_data: cart ? [{ id: 1, key: '_cartback_cart', value: cart }] : [],
  })
  return hmacSha256(store.woocommerceWebhookSecret, utf8.encode(body)).then((mac) =>
    call(`/webhooks/woocommerce/${store.id}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-WC-Webhook-Topic': 'order.updated',
        'X-WC-Webhook-Signature': toBase64(mac),
      },
      body,
    }),
  )
}

export async function webhook(store: Store, orderId: number, cart?: string, billing?: Billing) {
  const res = await signedOrder(store, orderId, cart, billing)
  expect(res.status).toBe(200)
  return res.json<{ matched: boolean; cart?: string; status?: string }>()
}

/** A shopper's abandoned cart that D1 shows, the shopper's email among the store's contacts. */
export async function knownShopper(store: Store, email = 'someone@example.com') {
  const shopper = await abandonedCart(store, { email })
  await projected(store, shopper.id)
  await waitForRow(
    'SELECT 1 FROM contacts WHERE store_id = ? AND cart_id = ?',
    store.id,
    shopper.id,
  )
  return shopper
}
