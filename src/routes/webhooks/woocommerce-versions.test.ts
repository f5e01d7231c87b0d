// WooCommerce webhooks of every API version a store can have. A webhook's payload is the REST
// order of its version (WC_Webhook::get_wp_api_payload: GET /wc/{v}/orders/{id}); WP-CLI's
// `wp wc webhook create` makes version 2 webhooks. Payloads below follow the order schemas of
// WooCommerce 11 (WC_REST_Orders_V2_Controller, and V1 which has no meta and no `_gmt` dates),
// signed as WC_Webhook::generate_signature does: base64 of the raw HMAC-SHA256 of the body.

import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { abandonedCart } from '#test/carts'
import { call, createStore, waitForRow } from '#test/helpers'
import type { Store } from '../../db/stores'

function post(store: Store, payload: unknown) {
  const body = JSON.stringify(payload)
  return call(`/webhooks/woocommerce/${store.id}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-WC-Webhook-Topic': 'order.updated',
      'X-WC-Webhook-Resource': 'order',
      'X-WC-Webhook-Event': 'updated',
      'X-WC-Webhook-Signature': createHmac('sha256', store.woocommerceWebhookSecret)
        .update(body)
        .digest('base64'),
    },
    body,
  })
}

const now = () => new Date().toISOString().slice(0, 19)

/** An order as /wc/v2/orders/{id} returns it (the fields of WooCommerce's v2 schema). */
function v2Order(id: number, cart: string, email: string) {
  return {
    id,
    parent_id: 0,
    number: String(id),
    order_key: 'wc_order_abc123',
    created_via: 'checkout',
    version: '11.0.1',
    status: 'processing',
    currency: 'USD',
    date_created: now(),
    date_created_gmt: now(),
    date_modified: now(),
    date_modified_gmt: now(),
    discount_total: '0.00',
    discount_tax: '0.00',
    shipping_total: '0.00',
    shipping_tax: '0.00',
    cart_tax: '0.00',
    total: '52.50',
    total_tax: '0.00',
    prices_include_tax: false,
    customer_id: 0,
    customer_ip_address: '203.0.113.9',
    customer_user_agent: 'Mozilla/5.0',
    customer_note: '',
    billing: { first_name: 'Ada', last_name: 'L', email, phone: '' },
    shipping: { first_name: 'Ada', last_name: 'L' },
    payment_method: 'cod',
    payment_method_title: 'Cash on delivery',
    transaction_id: '',
    date_paid: now(),
    date_paid_gmt: now(),
    date_completed: null,
    date_completed_gmt: null,
    cart_hash: 'f00',
    meta_data: [{ id: 91, key: '_cartback_cart', value: cart }],
    line_items: [{ id: 1, name: 'Ocean Tee', quantity: 1, total: '52.50', meta_data: [] }],
    tax_lines: [],
    shipping_lines: [],
    fee_lines: [],
    coupon_lines: [],
    refunds: [],
    currency_symbol: '$',
  }
}

describe('WooCommerce webhook API versions', () => {
  it('credits a version 2 order (what wp wc webhook create makes) by its cart meta', async () => {
    const store = await createStore()
    const { id, stub } = await abandonedCart(store, { email: 'v2@example.com' })
    const res = await post(store, v2Order(7002, id, 'other@example.com'))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, matched: true, cart: id, status: 'recovered' })
    expect((await stub.snapshot())!.state.order).toMatchObject({ id: '7002', total: 5250 })
  })

  it('credits a version 1 order, which has no meta, by the billing email', async () => {
    const store = await createStore()
    const { id, stub } = await abandonedCart(store, { email: 'v1@example.com' })
    // Matching by contact reads the contacts index the reporting queue keeps.
    await waitForRow(
      "SELECT 1 FROM contacts WHERE store_id = ? AND kind = 'email' AND value = ?",
      store.id,
      'v1@example.com',
    )
    const { meta_data: _m, date_created_gmt: _c, date_paid_gmt: _p, ...v1 } = v2Order(7001, id, '')
    const res = await post(store, {
      ...v1,
      date_modified_gmt: undefined,
      billing: { ...v1.billing, email: 'v1@example.com' },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ matched: true, cart: id, status: 'recovered' })
    expect((await stub.snapshot())!.state.status).toBe('recovered')
  })

  it('refuses a legacy API payload with a 400 that says what is wrong, changing nothing', async () => {
    const store = await createStore()
    const { id, stub } = await abandonedCart(store, { email: 'legacy@example.com' })
    const legacy = { order: { id: 7003, status: 'processing', total: '52.50', currency: 'USD' } }
    const res = await post(store, legacy)
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('BAD_REQUEST')
    expect(body.error.message).toMatch(/Invalid order/)
    expect((await stub.snapshot())!.state.status).toBe('abandoned')
    expect(id).toBeTruthy()
  })
})
