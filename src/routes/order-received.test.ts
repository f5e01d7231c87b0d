import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import {
  abandon,
  abandonedCart,
  api,
  beacon,
  call,
  cartId,
  createStore,
  ITEMS,
  waitForRow,
} from '../../test/helpers'
import type { Store } from '../db/stores'
import type { OrderReport } from '../domain/cart/types'
import { cartPolicy } from '../domain/store/settings'
import { toBase64, utf8 } from '../lib/encoding'
import { hmacSha256 } from '../lib/hmac'
import type { CartObject } from '../objects/cart-object'
import { cartStub, orderStub } from '../objects/stubs'

// Issue 11: each view of a WooCommerce order-received page reports the order again, under the
// fresh cart id the script starts after an order, or from another browser.

const stubOf = (store: Store, id: string) => cartStub(env.CART, { storeId: store.id, cartId: id })

async function cartWithItems(store: Store) {
  const id = cartId()
  await beacon({ store: store.publishableKey, cart: id, type: 'cart', items: ITEMS })
  return { id, stub: stubOf(store, id) }
}

function orderBeacon(store: Store, cart: string, orderId: string, total = 6400) {
  return beacon({
    store: store.publishableKey,
    cart,
    type: 'order',
    order: { id: orderId, total },
    page: 'https://shop.example/checkout/order-received/',
  })
}

type Billing = { email?: string; phone?: string }

function signedOrder(
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

async function webhook(store: Store, orderId: number, cart?: string, billing?: Billing) {
  const res = await signedOrder(store, orderId, cart, billing)
  expect(res.status).toBe(200)
  return res.json<{ matched: boolean; cart?: string; status?: string }>()
}

/** Waits until D1 shows each cart at its object's current revision. */
async function projected(store: Store, ...ids: string[]) {
  for (const id of ids) {
    const s = (await stubOf(store, id).snapshot())!.state
    await waitForRow(
      'SELECT 1 FROM carts WHERE store_id = ? AND cart_id = ? AND revision = ?',
      store.id,
      id,
      s.revision,
    )
  }
}

async function statsOf(store: Store) {
  const res = await api(`/stats?store=${store.id}`)
  return res.json<{ carts: { tracked: number; converted: number }; recovered: { count: number } }>()
}

async function d1Carts(store: Store) {
  const rows = await env.DB.prepare('SELECT cart_id FROM carts WHERE store_id = ?')
    .bind(store.id)
    .all<{ cart_id: string }>()
  return rows.results.map((r) => r.cart_id).sort()
}

describe('order-received pages (issue 11)', () => {
  it('a reloaded or revisited thank-you page (a fresh, empty cart id) creates no cart', async () => {
    const store = await createStore()
    const a = await cartWithItems(store)
    expect((await orderBeacon(store, a.id, '1001')).status).toBe(202)
    expect((await a.stub.snapshot())!.state.status).toBe('converted')
    const fresh = [cartId(), cartId(), cartId()]
    for (const id of fresh) {
      const res = await orderBeacon(store, id, '1001', 0)
      expect(res.status).toBe(202)
      expect(await res.json()).toEqual({ ok: true })
      expect(await stubOf(store, id).snapshot()).toBeNull()
    }
    await projected(store, a.id)
    expect(await d1Carts(store)).toEqual([a.id])
    const stats = await statsOf(store)
    expect(stats.carts).toMatchObject({ tracked: 1, converted: 1 })
  })

  it('an order for a cart with no items and no history creates or changes nothing', async () => {
    const store = await createStore()
    const fresh = cartId()
    expect((await orderBeacon(store, fresh, '2001')).status).toBe(202)
    expect(await stubOf(store, fresh).snapshot()).toBeNull()
    // A cart that only ever had a contact has no cart history either.
    const contactOnly = cartId()
    await beacon({
      store: store.publishableKey,
      cart: contactOnly,
      type: 'contact',
      contact: { email: 'ada@example.com' },
    })
    const before = (await stubOf(store, contactOnly).snapshot())!
    await orderBeacon(store, contactOnly, '2001')
    const after = (await stubOf(store, contactOnly).snapshot())!
    expect(after.state).toEqual(before.state)
    expect(after.journal).toEqual(before.journal)
    // The order id stays free for the cart that really placed it.
    const real = await cartWithItems(store)
    await orderBeacon(store, real.id, '2001')
    expect((await real.stub.snapshot())!.state).toMatchObject({
      status: 'converted',
      order: { id: '2001' },
    })
  })

  it('a cart emptied at checkout still takes its order', async () => {
    const store = await createStore()
    const a = await cartWithItems(store)
    await beacon({ store: store.publishableKey, cart: a.id, type: 'cart', items: [] })
    await orderBeacon(store, a.id, '2501')
    expect((await a.stub.snapshot())!.state).toMatchObject({
      status: 'converted',
      order: { id: '2501' },
    })
  })

  it('an order credited to a recovered cart stays there: other carts reporting it change nothing', async () => {
    const store = await createStore()
    const a = await cartWithItems(store)
    await abandon(a.stub)
    expect(await webhook(store, 3001, a.id)).toMatchObject({ cart: a.id, status: 'recovered' })
    const recovered = (await a.stub.snapshot())!
    // The same cart's thank-you page, a reload under a fresh id, another browser with its own
    // cart history: none of them counts the order again.
    const other = await cartWithItems(store)
    const otherBefore = (await other.stub.snapshot())!
    const fresh = cartId()
    for (const id of [a.id, fresh, other.id, a.id]) {
      expect((await orderBeacon(store, id, '3001')).status).toBe(202)
    }
    expect(await stubOf(store, fresh).snapshot()).toBeNull()
    const otherAfter = (await other.stub.snapshot())!
    expect(otherAfter.state).toEqual(otherBefore.state)
    expect(otherAfter.journal).toEqual(otherBefore.journal)
    const after = (await a.stub.snapshot())!
    expect(after.state).toEqual(recovered.state)
    expect(after.journal).toEqual(recovered.journal)
    await projected(store, a.id, other.id)
    const stats = await statsOf(store)
    expect(stats.carts.converted).toBe(0)
    expect(stats.recovered.count).toBe(1)
  })

  it("without meta, the webhook follows a claim by the billing contact's own cart", async () => {
    const store = await createStore()
    const a = await cartWithItems(store)
    // The shopper's thank-you beacon; the cart knows the phone the order bills, as typed.
    await beacon({
      store: store.publishableKey,
      cart: a.id,
      type: 'contact',
      contact: { phone: '(415) 555-2671' },
    })
    await orderBeacon(store, a.id, '4001')
    const billing = { email: 'other@example.com', phone: '+1 415-555-2671' }
    expect(await webhook(store, 4001, undefined, billing)).toMatchObject({
      matched: true,
      cart: a.id,
      status: 'converted',
    })
    expect(await webhook(store, 4001, a.id)).toMatchObject({ matched: true, cart: a.id })
    expect((await a.stub.snapshot())!.state.order).toMatchObject({ id: '4001', source: 'webhook' })
    // Now the webhook's claim: a later meta naming another cart does not move it.
    const other = await cartWithItems(store)
    expect(await webhook(store, 4001, other.id)).toMatchObject({ matched: true, cart: a.id })
    expect((await other.stub.snapshot())!.state.order).toBeNull()
  })

  it('a pre-claimed order id: the signed webhook credits the cart its meta names, and undoes the beacon', async () => {
    const store = await createStore()
    const victim = await abandonedCart(store)
    // Anyone with the public key and a cart with items can beacon a guessed order id.
    const attacker = await cartWithItems(store)
    expect((await orderBeacon(store, attacker.id, '5001')).status).toBe(202)
    expect((await attacker.stub.snapshot())!.state.status).toBe('converted')
    expect(await webhook(store, 5001, victim.id)).toMatchObject({
      matched: true,
      cart: victim.id,
      status: 'recovered',
    })
    const undone = (await attacker.stub.snapshot())!
    expect(undone.state).toMatchObject({ status: 'active', order: null, convertedAt: null })
    expect(undone.journal.at(-1)).toMatchObject({
      type: 'order.moved',
      orderId: '5001',
      to: victim.id,
    })
    // The beacon again, and its reload, change nothing: the webhook's claim stands.
    const before = (await attacker.stub.snapshot())!
    await orderBeacon(store, attacker.id, '5001')
    expect((await attacker.stub.snapshot())!.journal).toEqual(before.journal)
    expect(await webhook(store, 5001, attacker.id)).toMatchObject({ cart: victim.id })
    await projected(store, victim.id, attacker.id)
    const stats = await statsOf(store)
    expect(stats.recovered.count).toBe(1)
    expect(stats.carts.converted).toBe(0)
    const row = await waitForRow<{ cart_id: string; source: string }>(
      "SELECT cart_id, source FROM orders WHERE store_id = ? AND order_id = ? AND source = 'webhook'",
      store.id,
      '5001',
    )
    expect(row.cart_id).toBe(victim.id)
  })

  it('a cart holding a paid order claims no other order id', async () => {
    const store = await createStore()
    const a = await cartWithItems(store)
    await orderBeacon(store, a.id, '5101')
    const ordered = (await a.stub.snapshot())!
    for (const id of ['5102', '5103']) {
      expect((await orderBeacon(store, a.id, id)).status).toBe(202)
    }
    const after = (await a.stub.snapshot())!
    expect(after.state).toEqual(ordered.state)
    expect(after.journal).toEqual(ordered.journal)
    // The ids stay free: the cart that really placed 5102 takes it, and so does the webhook.
    const real = await cartWithItems(store)
    await orderBeacon(store, real.id, '5102')
    expect((await real.stub.snapshot())!.state.order).toMatchObject({ id: '5102' })
    expect(await webhook(store, 5103)).toMatchObject({ matched: false })
  })

  it('meta naming a cart that does not exist falls back to the contact', async () => {
    const store = await createStore()
    const shopper = await abandonedCart(store, { email: 'someone@example.com' })
    await projected(store, shopper.id)
    await waitForRow(
      'SELECT 1 FROM contacts WHERE store_id = ? AND cart_id = ?',
      store.id,
      shopper.id,
    )
    const ghost = cartId()
    expect(await webhook(store, 5201, ghost)).toMatchObject({
      matched: true,
      cart: shopper.id,
      status: 'recovered',
    })
    expect(await stubOf(store, ghost).snapshot()).toBeNull()
  })

  it('a claim whose cart refuses the order gives way to the contact', async () => {
    const store = await createStore()
    // A claim left by an earlier version: a cart with a paid order of its own holds 5301.
    const stale = await cartWithItems(store)
    await orderBeacon(store, stale.id, '5300')
    const ref = { storeId: store.id, orderId: '5301' }
    await orderStub(env.ORDER, ref).claim(ref, { cart: stale.id, by: 'storefront' })
    const shopper = await abandonedCart(store, { email: 'someone@example.com' })
    await projected(store, shopper.id)
    await waitForRow(
      'SELECT 1 FROM contacts WHERE store_id = ? AND cart_id = ?',
      store.id,
      shopper.id,
    )
    expect(await webhook(store, 5301)).toMatchObject({ matched: true, cart: shopper.id })
    expect((await stale.stub.snapshot())!.state.order).toMatchObject({ id: '5300' })
    // The order is the contact's cart's now: its update goes there.
    expect(await webhook(store, 5301)).toMatchObject({ cart: shopper.id })
  })

  it('a repeated report of the same order on the same cart adds no journal entry or report', async () => {
    const store = await createStore()
    const a = await cartWithItems(store)
    await orderBeacon(store, a.id, '5001')
    const once = (await a.stub.snapshot())!
    expect(once.journal.filter((j) => j.type === 'cart.converted')).toHaveLength(1)
    for (let i = 0; i < 3; i++) await orderBeacon(store, a.id, '5001', 0)
    const again = (await a.stub.snapshot())!
    // Same revision: nothing changed, so no report went to D1 either.
    expect(again.state).toEqual(once.state)
    expect(again.journal).toEqual(once.journal)
    // And after the webhook took the order over, the storefront's repeat still adds nothing.
    await webhook(store, 5001, a.id)
    const confirmed = (await a.stub.snapshot())!
    await orderBeacon(store, a.id, '5001')
    expect((await a.stub.snapshot())!.journal).toEqual(confirmed.journal)
  })

  it('two browsers reporting one order at once: one cart gets it, stats count one conversion', async () => {
    const store = await createStore()
    const carts = [await cartWithItems(store), await cartWithItems(store)]
    const responses = await Promise.all(carts.map((c) => orderBeacon(store, c.id, '6001')))
    expect(responses.map((r) => r.status)).toEqual([202, 202])
    const states = await Promise.all(carts.map(async (c) => (await c.stub.snapshot())!.state))
    const ordered = states.filter((s) => s.order !== null)
    expect(ordered).toHaveLength(1)
    expect(ordered[0]).toMatchObject({ status: 'converted', order: { id: '6001' } })
    expect(states.filter((s) => s.status === 'active' && s.order === null)).toHaveLength(1)
    await projected(store, ...carts.map((c) => c.id))
    const row = await waitForRow<{ cart_id: string }>(
      'SELECT cart_id FROM orders WHERE store_id = ? AND order_id = ?',
      store.id,
      '6001',
    )
    expect(row.cart_id).toBe(ordered[0]!.cartId)
    expect((await statsOf(store)).carts.converted).toBe(1)
  })

  it('a beacon and the webhook at once land the order on one cart', async () => {
    const store = await createStore()
    const a = await cartWithItems(store)
    const other = await cartWithItems(store)
    const [, hook] = await Promise.all([
      orderBeacon(store, a.id, '7001'),
      webhook(store, 7001, other.id),
    ])
    // The webhook's meta wins whichever came first: before it, the beacon's claim is undone.
    expect(hook.cart).toBe(other.id)
    expect((await other.stub.snapshot())!.state.order?.id).toBe('7001')
    expect((await a.stub.snapshot())!.state).toMatchObject({ status: 'active', order: null })
  })

  it("without meta, a beacon from a cart that is not the billing contact's takes no credit", async () => {
    const store = await createStore()
    const shopper = await abandonedCart(store, { email: 'someone@example.com' })
    await projected(store, shopper.id)
    await waitForRow(
      'SELECT 1 FROM contacts WHERE store_id = ? AND cart_id = ?',
      store.id,
      shopper.id,
    )
    // Anyone with the public key: carts with items beaconing the next sequential order ids.
    const attacker = await cartWithItems(store)
    await orderBeacon(store, attacker.id, '8101')
    const other = await cartWithItems(store)
    await beacon({
      store: store.publishableKey,
      cart: other.id,
      type: 'contact',
      contact: { email: 'attacker@example.com' },
    })
    await orderBeacon(store, other.id, '8102')
    expect((await attacker.stub.snapshot())!.state.status).toBe('converted')
    // The billing contact's cart takes the order over, and the beacon is undone.
    expect(await webhook(store, 8101)).toMatchObject({
      matched: true,
      cart: shopper.id,
      status: 'recovered',
    })
    const undone = (await attacker.stub.snapshot())!
    expect(undone.state).toMatchObject({ status: 'active', order: null, convertedAt: null })
    expect(undone.journal.at(-1)).toMatchObject({ type: 'order.moved', to: shopper.id })
    // A shopper with no cart here: the order stays unmatched; the claimant gets none of it.
    expect(await webhook(store, 8102, undefined, { email: 'nobody@example.com' })).toEqual({
      ok: true,
      matched: false,
    })
    expect((await other.stub.snapshot())!.state.order).toMatchObject({ source: 'storefront' })
    await projected(store, shopper.id, attacker.id, other.id)
    expect((await statsOf(store)).recovered.count).toBe(1)
  })

  it('an undo that failed is finished by the next delivery, and the order counts once', async () => {
    const store = await createStore()
    const victim = await abandonedCart(store)
    const attacker = await cartWithItems(store)
    await orderBeacon(store, attacker.id, '8301')
    // A delivery whose claim was stored but which failed before the beacon's cart was undone
    // (the cart's commit, or its `orderMoved`, threw: answered 5xx).
    const ref = { storeId: store.id, orderId: '8301' }
    const order = orderStub(env.ORDER, ref)
    await order.claim(ref, { cart: victim.id, by: 'webhook', named: true })
    expect((await attacker.stub.snapshot())!.state.status).toBe('converted')
    // WooCommerce's redelivery (or the next order.updated) finishes the undo.
    expect(await webhook(store, 8301, victim.id)).toMatchObject({
      cart: victim.id,
      status: 'recovered',
    })
    const undone = (await attacker.stub.snapshot())!
    expect(undone.state).toMatchObject({ status: 'active', order: null, convertedAt: null })
    expect(undone.journal.filter((j) => j.type === 'order.moved')).toHaveLength(1)
    // Acknowledged: handed out no more.
    expect((await order.claim(ref, { cart: victim.id, by: 'webhook' })).displaced).toEqual([])
    await webhook(store, 8301, victim.id)
    expect((await attacker.stub.snapshot())!.journal).toEqual(undone.journal)
    await projected(store, victim.id, attacker.id)
    const stats = await statsOf(store)
    expect(stats.recovered.count).toBe(1)
    expect(stats.carts.converted).toBe(0)
  })

  it('an order claim that fails leaves the cart object running and answers a retryable error', async () => {
    const store = await createStore()
    const a = await cartWithItems(store)
    await projected(store, a.id)
    // A mark on the live object: a reset (an error inside blockConcurrencyWhile) drops it.
    const mark = (o: CartObject) => (o as unknown as { mark?: number }).mark
    await runInDurableObject(a.stub, (o: CartObject) => {
      ;(o as unknown as { mark: number }).mark = 1
    })
    const before = (await a.stub.snapshot())!
    // The first claim of a new order id reads D1, which fails.
    await env.DB.exec('ALTER TABLE orders RENAME TO orders_offline')
    try {
      const res = await orderBeacon(store, a.id, '8401')
      expect(res.status).toBe(202)
      const hook = await signedOrder(store, 8401, a.id)
      expect(hook.status).toBe(503)
      expect(await hook.json()).toMatchObject({ error: { code: 'PROVIDER_UNAVAILABLE' } })
      const order: OrderReport = {
        id: '8401',
        status: 'processing',
        paid: true,
        total: 6400,
        refunded: 0,
        currency: 'USD',
        source: 'webhook',
        placedAt: Date.now(),
        modifiedAt: null,
      }
      const ref = { storeId: store.id, cartId: a.id }
      const policy = cartPolicy(store, 'https://cartback.test')
      expect(await a.stub.takeOrder(ref, order, policy)).toEqual({
        taken: false,
        reason: 'unavailable',
      })
    } finally {
      await env.DB.exec('ALTER TABLE orders_offline RENAME TO orders')
    }
    expect(await runInDurableObject(a.stub, mark)).toBe(1)
    const after = (await a.stub.snapshot())!
    expect(after.state).toEqual(before.state)
    expect(after.journal).toEqual(before.journal)
    // Retried, the order lands.
    expect(await webhook(store, 8401, a.id)).toMatchObject({ matched: true, cart: a.id })
  })
})
