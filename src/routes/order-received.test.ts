import { describe, expect, it } from 'vitest'
import { abandon, abandonedCart, beacon, cartId } from '#test/carts'
import { createStore, waitForRow } from '#test/helpers'
import * as orders from '#test/orders'
import { d1Carts, projected, statsOf } from '#test/reports'

// Issue 11: each view of a WooCommerce order-received page reports the order again, under the
// fresh cart id the script starts after an order, or from another browser.

describe('order-received pages (issue 11)', () => {
  it('a reloaded or revisited thank-you page (a fresh, empty cart id) creates no cart', async () => {
    const store = await createStore()
    const a = await orders.cartWithItems(store)
    expect((await orders.orderBeacon(store, a.id, '1001')).status).toBe(202)
    expect((await a.stub.snapshot())!.state.status).toBe('converted')
    const fresh = [cartId(), cartId(), cartId()]
    for (const id of fresh) {
      const res = await orders.orderBeacon(store, id, '1001', 0)
      expect(res.status).toBe(202)
      expect(await res.json()).toEqual({ ok: true })
      expect(await orders.stubOf(store, id).snapshot()).toBeNull()
    }
    await projected(store, a.id)
    expect(await d1Carts(store)).toEqual([a.id])
    const stats = await statsOf(store)
    expect(stats.carts).toMatchObject({ tracked: 1, converted: 1 })
  })

  it('an order for a cart with no items and no history creates or changes nothing', async () => {
    const store = await createStore()
    const fresh = cartId()
    expect((await orders.orderBeacon(store, fresh, '2001')).status).toBe(202)
    expect(await orders.stubOf(store, fresh).snapshot()).toBeNull()
    // A cart that only ever had a contact has no cart history either.
    const contactOnly = cartId()
    await beacon({
      store: store.publishableKey,
      cart: contactOnly,
      type: 'contact',
      contact: { email: 'ada@example.com' },
    })
    const before = (await orders.stubOf(store, contactOnly).snapshot())!
    await orders.orderBeacon(store, contactOnly, '2001')
    const after = (await orders.stubOf(store, contactOnly).snapshot())!
    expect(after.state).toEqual(before.state)
    expect(after.journal).toEqual(before.journal)
    // The order id stays free for the cart that really placed it.
    const real = await orders.cartWithItems(store)
    await orders.orderBeacon(store, real.id, '2001')
    expect((await real.stub.snapshot())!.state).toMatchObject({
      status: 'converted',
      order: { id: '2001' },
    })
  })

  it('a cart emptied at checkout still takes its order', async () => {
    const store = await createStore()
    const a = await orders.cartWithItems(store)
    await beacon({ store: store.publishableKey, cart: a.id, type: 'cart', items: [] })
    await orders.orderBeacon(store, a.id, '2501')
    expect((await a.stub.snapshot())!.state).toMatchObject({
      status: 'converted',
      order: { id: '2501' },
    })
  })

  it('an order credited to a recovered cart stays there: other carts reporting it change nothing', async () => {
    const store = await createStore()
    const a = await orders.cartWithItems(store)
    await abandon(a.stub)
    expect(await orders.webhook(store, 3001, a.id)).toMatchObject({
      cart: a.id,
      status: 'recovered',
    })
    const recovered = (await a.stub.snapshot())!
    // The same cart's thank-you page, a reload under a fresh id, another browser with its own
    // cart history: none of them counts the order again.
    const other = await orders.cartWithItems(store)
    const otherBefore = (await other.stub.snapshot())!
    const fresh = cartId()
    for (const id of [a.id, fresh, other.id, a.id]) {
      expect((await orders.orderBeacon(store, id, '3001')).status).toBe(202)
    }
    expect(await orders.stubOf(store, fresh).snapshot()).toBeNull()
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
    const a = await orders.cartWithItems(store)
    // The shopper's thank-you beacon; the cart knows the phone the order bills, as typed.
    await beacon({
      store: store.publishableKey,
      cart: a.id,
      type: 'contact',
      contact: { phone: '(415) 555-2671' },
    })
    await orders.orderBeacon(store, a.id, '4001')
    const billing = { email: 'other@example.com', phone: '+1 415-555-2671' }
    expect(await orders.webhook(store, 4001, undefined, billing)).toMatchObject({
      matched: true,
      cart: a.id,
      status: 'converted',
    })
    expect(await orders.webhook(store, 4001, a.id)).toMatchObject({ matched: true, cart: a.id })
    expect((await a.stub.snapshot())!.state.order).toMatchObject({ id: '4001', source: 'webhook' })
    // Now the webhook's claim: a later meta naming another cart does not move it.
    const other = await orders.cartWithItems(store)
    expect(await orders.webhook(store, 4001, other.id)).toMatchObject({ matched: true, cart: a.id })
    expect((await other.stub.snapshot())!.state.order).toBeNull()
  })

  it('a pre-claimed order id: the signed webhook credits the cart its meta names, and undoes the beacon', async () => {
    const store = await createStore()
    const victim = await abandonedCart(store)
    // Anyone with the public key and a cart with items can beacon a guessed order id.
    const attacker = await orders.cartWithItems(store)
    expect((await orders.orderBeacon(store, attacker.id, '5001')).status).toBe(202)
    expect((await attacker.stub.snapshot())!.state.status).toBe('converted')
    expect(await orders.webhook(store, 5001, victim.id)).toMatchObject({
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
    await orders.orderBeacon(store, attacker.id, '5001')
    expect((await attacker.stub.snapshot())!.journal).toEqual(before.journal)
    expect(await orders.webhook(store, 5001, attacker.id)).toMatchObject({ cart: victim.id })
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
})
