import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { abandonedCart, beacon, cartId } from '#test/carts'
import { createStore, waitForRow } from '#test/helpers'
import * as orders from '#test/orders'
import { projected, statsOf } from '#test/reports'
import type { OrderReport } from '../domain/cart/types'
import { cartPolicy } from '../domain/store/settings'
import type { CartObject } from '../objects/cart-object'
import { orderStub } from '../objects/stubs'

// Issue 11: each view of a WooCommerce order-received page reports the order again, under the
// fresh cart id the script starts after an order, or from another browser.

describe('order-received pages (issue 11): claims, repeats and races', () => {
  it('a cart holding a paid order claims no other order id', async () => {
    const store = await createStore()
    const a = await orders.cartWithItems(store)
    await orders.orderBeacon(store, a.id, '5101')
    const ordered = (await a.stub.snapshot())!
    for (const id of ['5102', '5103']) {
      expect((await orders.orderBeacon(store, a.id, id)).status).toBe(202)
    }
    const after = (await a.stub.snapshot())!
    expect(after.state).toEqual(ordered.state)
    expect(after.journal).toEqual(ordered.journal)
    // The ids stay free: the cart that really placed 5102 takes it, and so does the webhook.
    const real = await orders.cartWithItems(store)
    await orders.orderBeacon(store, real.id, '5102')
    expect((await real.stub.snapshot())!.state.order).toMatchObject({ id: '5102' })
    expect(await orders.webhook(store, 5103)).toMatchObject({ matched: false })
  })

  it('meta naming a cart that does not exist falls back to the contact', async () => {
    const store = await createStore()
    const shopper = await orders.knownShopper(store)
    const ghost = cartId()
    expect(await orders.webhook(store, 5201, ghost)).toMatchObject({
      matched: true,
      cart: shopper.id,
      status: 'recovered',
    })
    expect(await orders.stubOf(store, ghost).snapshot()).toBeNull()
  })

  it('a claim whose cart refuses the order gives way to the contact', async () => {
    const store = await createStore()
    // A claim left by an earlier version: a cart with a paid order of its own holds 5301.
    const stale = await orders.cartWithItems(store)
    await orders.orderBeacon(store, stale.id, '5300')
    const ref = { storeId: store.id, orderId: '5301' }
    await orderStub(env.ORDER, ref).claim(ref, { cart: stale.id, by: 'storefront' })
    const shopper = await orders.knownShopper(store)
    expect(await orders.webhook(store, 5301)).toMatchObject({ matched: true, cart: shopper.id })
    expect((await stale.stub.snapshot())!.state.order).toMatchObject({ id: '5300' })
    // The order is the contact's cart's now: its update goes there.
    expect(await orders.webhook(store, 5301)).toMatchObject({ cart: shopper.id })
  })

  it('a repeated report of the same order on the same cart adds no journal entry or report', async () => {
    const store = await createStore()
    const a = await orders.cartWithItems(store)
    await orders.orderBeacon(store, a.id, '5001')
    const once = (await a.stub.snapshot())!
    expect(once.journal.filter((j) => j.type === 'cart.converted')).toHaveLength(1)
    for (let i = 0; i < 3; i++) await orders.orderBeacon(store, a.id, '5001', 0)
    const again = (await a.stub.snapshot())!
    // Same revision: nothing changed, so no report went to D1 either.
    expect(again.state).toEqual(once.state)
    expect(again.journal).toEqual(once.journal)
    // And after the webhook took the order over, the storefront's repeat still adds nothing.
    await orders.webhook(store, 5001, a.id)
    const confirmed = (await a.stub.snapshot())!
    await orders.orderBeacon(store, a.id, '5001')
    expect((await a.stub.snapshot())!.journal).toEqual(confirmed.journal)
  })

  it('two browsers reporting one order at once: one cart gets it, stats count one conversion', async () => {
    const store = await createStore()
    const carts = [await orders.cartWithItems(store), await orders.cartWithItems(store)]
    const responses = await Promise.all(carts.map((c) => orders.orderBeacon(store, c.id, '6001')))
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
    const a = await orders.cartWithItems(store)
    const other = await orders.cartWithItems(store)
    const [, hook] = await Promise.all([
      orders.orderBeacon(store, a.id, '7001'),
      orders.webhook(store, 7001, other.id),
    ])
    // The webhook's meta wins whichever came first: before it, the beacon's claim is undone.
    expect(hook.cart).toBe(other.id)
    expect((await other.stub.snapshot())!.state.order?.id).toBe('7001')
    expect((await a.stub.snapshot())!.state).toMatchObject({ status: 'active', order: null })
  })

  it("without meta, a beacon from a cart that is not the billing contact's takes no credit", async () => {
    const store = await createStore()
    const shopper = await orders.knownShopper(store)
    // Anyone with the public key: carts with items beaconing the next sequential order ids.
    const attacker = await orders.cartWithItems(store)
    await orders.orderBeacon(store, attacker.id, '8101')
    const other = await orders.cartWithItems(store)
    await beacon({
      store: store.publishableKey,
      cart: other.id,
      type: 'contact',
      contact: { email: 'attacker@example.com' },
    })
    await orders.orderBeacon(store, other.id, '8102')
    expect((await attacker.stub.snapshot())!.state.status).toBe('converted')
    // The billing contact's cart takes the order over, and the beacon is undone.
    expect(await orders.webhook(store, 8101)).toMatchObject({
      matched: true,
      cart: shopper.id,
      status: 'recovered',
    })
    const undone = (await attacker.stub.snapshot())!
    expect(undone.state).toMatchObject({ status: 'active', order: null, convertedAt: null })
    expect(undone.journal.at(-1)).toMatchObject({ type: 'order.moved', to: shopper.id })
    // A shopper with no cart here: the order stays unmatched; the claimant gets none of it.
    expect(await orders.webhook(store, 8102, undefined, { email: 'nobody@example.com' })).toEqual({
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
    const attacker = await orders.cartWithItems(store)
    await orders.orderBeacon(store, attacker.id, '8301')
    // A delivery whose claim was stored but which failed before the beacon's cart was undone
    // (the cart's commit, or its `orderMoved`, threw: answered 5xx).
    const ref = { storeId: store.id, orderId: '8301' }
    const order = orderStub(env.ORDER, ref)
    await order.claim(ref, { cart: victim.id, by: 'webhook', named: true })
    expect((await attacker.stub.snapshot())!.state.status).toBe('converted')
    // WooCommerce's redelivery (or the next order.updated) finishes the undo.
    expect(await orders.webhook(store, 8301, victim.id)).toMatchObject({
      cart: victim.id,
      status: 'recovered',
    })
    const undone = (await attacker.stub.snapshot())!
    expect(undone.state).toMatchObject({ status: 'active', order: null, convertedAt: null })
    expect(undone.journal.filter((j) => j.type === 'order.moved')).toHaveLength(1)
    // Acknowledged: handed out no more.
    expect((await order.claim(ref, { cart: victim.id, by: 'webhook' })).displaced).toEqual([])
    await orders.webhook(store, 8301, victim.id)
    expect((await attacker.stub.snapshot())!.journal).toEqual(undone.journal)
    await projected(store, victim.id, attacker.id)
    const stats = await statsOf(store)
    expect(stats.recovered.count).toBe(1)
    expect(stats.carts.converted).toBe(0)
  })

  it('an order claim that fails leaves the cart object running and answers a retryable error', async () => {
    const store = await createStore()
    const a = await orders.cartWithItems(store)
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
      const res = await orders.orderBeacon(store, a.id, '8401')
      expect(res.status).toBe(202)
      const hook = await orders.signedOrder(store, 8401, a.id)
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
    expect(await orders.webhook(store, 8401, a.id)).toMatchObject({ matched: true, cart: a.id })
  })
})
