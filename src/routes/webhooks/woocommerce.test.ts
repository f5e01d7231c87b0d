// WooCommerce order webhooks that are taken: recovery, refunds, matching, currencies, order.
import { evictDurableObject, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { abandon, beacon } from '#test/carts'
import { call, createStore, waitForRow } from '#test/helpers'
import { cartIn, meta, send, signed, wooOrder } from '#test/woocommerce'
import type { CartState } from '../../domain/cart/types'

describe('POST /webhooks/woocommerce/:storeId', () => {
  it("answers WooCommerce's unsigned creation ping with 200", async () => {
    const store = await createStore()
    const res = await send(store, 'webhook_id=17', {
      'Content-Type': 'application/x-www-form-urlencoded',
    })
    expect(res.status).toBe(200)
  })

  it('recovers an abandoned cart named by _cartback_cart, with the order total in minor units', async () => {
    const store = await createStore()
    const { id, stub } = await cartIn(store)
    await abandon(stub)
    const res = await signed(store, wooOrder({ meta_data: meta(id) }))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, matched: true, cart: id, status: 'recovered' })
    const s = (await stub.snapshot())!.state
    expect(s.order).toMatchObject({ id: '5001', total: 5250, paid: true, source: 'webhook' })
    const row = await waitForRow<{ recovered_revenue: number }>(
      "SELECT recovered_revenue FROM carts WHERE store_id = ? AND cart_id = ? AND status = 'recovered'",
      store.id,
      id,
    )
    expect(row.recovered_revenue).toBe(5250)
    const order = await waitForRow<{ cart_id: string; total: number }>(
      'SELECT cart_id, total FROM orders WHERE store_id = ? AND order_id = ?',
      store.id,
      '5001',
    )
    expect(order).toEqual({ cart_id: id, total: 5250 })
  })

  it('counts a redelivered order once', async () => {
    const store = await createStore()
    const { id, stub } = await cartIn(store)
    await abandon(stub)
    await signed(store, wooOrder({ meta_data: meta(id) }))
    const once = (await stub.snapshot())!
    await signed(store, wooOrder({ meta_data: meta(id) }))
    const twice = (await stub.snapshot())!
    expect(twice.state.status).toBe('recovered')
    expect(twice.state.order?.total).toBe(5250)
    expect(twice.journal.filter((j) => j.type === 'cart.recovered')).toHaveLength(1)
    expect(twice.state.revision).toBeGreaterThanOrEqual(once.state.revision)
  })

  it('marks a cart ordered before it was ever abandoned converted, not recovered', async () => {
    const store = await createStore()
    const { id, stub } = await cartIn(store)
    const res = await signed(store, wooOrder({ meta_data: meta(id) }))
    expect((await res.json()) as object).toMatchObject({ status: 'converted' })
    expect((await stub.snapshot())!.state.status).toBe('converted')
  })

  it('waits for payment, then adjusts for partial refunds and undoes a full refund', async () => {
    const store = await createStore()
    const { id, stub } = await cartIn(store)
    await abandon(stub)
    await signed(store, wooOrder({ status: 'pending', meta_data: meta(id) }))
    expect((await stub.snapshot())!.state.status).toBe('abandoned')
    await signed(store, wooOrder({ status: 'completed', meta_data: meta(id) }))
    expect((await stub.snapshot())!.state.status).toBe('recovered')
    await signed(
      store,
      wooOrder({ status: 'completed', meta_data: meta(id), refunds: [{ id: 9, total: '-12.50' }] }),
    )
    expect((await stub.snapshot())!.state.order).toMatchObject({ total: 5250, refunded: 1250 })
    await signed(store, wooOrder({ status: 'refunded', meta_data: meta(id) }))
    const s = (await stub.snapshot())!.state
    expect(s.status).toBe('abandoned')
    expect(s.recoveredAt).toBeNull()
  })

  it("matches an order without cart meta to the contact's latest cart", async () => {
    const store = await createStore()
    const { id, stub } = await cartIn(store, { email: 'Match.Me@Example.com' })
    await abandon(stub)
    await waitForRow(
      "SELECT 1 FROM contacts WHERE store_id = ? AND kind = 'email' AND value = ?",
      store.id,
      'match.me@example.com',
    )
    const res = await signed(
      store,
      wooOrder({ id: 7007, billing: { email: 'match.me@example.com' } }),
    )
    expect(await res.json()).toEqual({ ok: true, matched: true, cart: id, status: 'recovered' })
  })

  it('reads amounts by the currency exponent (JPY has none)', async () => {
    const store = await createStore({ currency: 'JPY' })
    const { id, stub } = await cartIn(store)
    await abandon(stub)
    await signed(store, wooOrder({ currency: 'JPY', total: '5400', meta_data: meta(id) }))
    expect((await stub.snapshot())!.state.order?.total).toBe(5400)
  })

  it("reports recovered revenue in the order's currency, not the cart's", async () => {
    const store = await createStore()
    const { id, stub } = await cartIn(store)
    await abandon(stub)
    await signed(store, wooOrder({ currency: 'EUR', total: '55.00', meta_data: meta(id) }))
    const s = (await stub.snapshot())!.state
    await waitForRow(
      'SELECT 1 FROM carts WHERE store_id = ? AND cart_id = ? AND revision = ?',
      store.id,
      id,
      s.revision,
    )
    const res = await call(`/api/v1/stats?store=${store.id}`, {
      headers: { Authorization: 'Bearer test-admin-token' },
    })
    expect(((await res.json()) as { recovered: object }).recovered).toMatchObject({
      count: 1,
      revenue: { EUR: 5500 },
    })
  })

  it('shows the order in the cart detail with every time as ISO-8601 text', async () => {
    const store = await createStore()
    const { id, stub } = await cartIn(store)
    await abandon(stub)
    await signed(
      store,
      wooOrder({
        meta_data: meta(id),
        date_paid_gmt: '2026-11-20T10:00:05',
        date_modified_gmt: '2026-11-20T10:00:07',
      }),
    )
    const res = await call(`/api/v1/carts/${store.id}/${id}`, {
      headers: { Authorization: 'Bearer test-admin-token' },
    })
    const { order } = (await res.json()) as { order: Record<string, unknown> }
    expect(order).toEqual({
      id: '5001',
      status: 'processing',
      paid: true,
      total: 5250,
      refunded: 0,
      currency: 'USD',
      source: 'webhook',
      placedAt: '2026-11-20T10:00:05.000Z',
      modifiedAt: '2026-11-20T10:00:07.000Z',
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      statusBefore: 'abandoned',
    })
  })

  it('reads a stored order without a modification time (older state) as modifiedAt null', async () => {
    const store = await createStore()
    const { id, stub } = await cartIn(store)
    await beacon({
      store: store.publishableKey,
      cart: id,
      type: 'order',
      order: { id: 'o-9', total: 6400 },
    })
    await runInDurableObject(stub, (_o, state) => {
      const s = state.storage.kv.get<CartState>('state')!
      const { modifiedAt: _, ...older } = s.order!
      state.storage.kv.put('state', { ...s, order: older })
    })
    await evictDurableObject(stub)
    const res = await call(`/api/v1/carts/${store.id}/${id}`, {
      headers: { Authorization: 'Bearer test-admin-token' },
    })
    const { order } = (await res.json()) as { order: Record<string, unknown> }
    expect(order).toMatchObject({ id: 'o-9', source: 'storefront', modifiedAt: null })
    expect(typeof order.placedAt).toBe('string')
  })

  it('ignores an older delivery of the same order that arrives late', async () => {
    const store = await createStore()
    const { id, stub } = await cartIn(store)
    await abandon(stub)
    const at = (s: number) => new Date(Date.now() + s * 1000).toISOString().slice(0, 19)
    await signed(
      store,
      wooOrder({ status: 'processing', date_modified_gmt: at(1), meta_data: meta(id) }),
    )
    await signed(
      store,
      wooOrder({ status: 'refunded', date_modified_gmt: at(5), meta_data: meta(id) }),
    )
    const late = await signed(
      store,
      wooOrder({ status: 'processing', date_modified_gmt: at(1), meta_data: meta(id) }),
    )
    expect(late.status).toBe(200)
    const snap = (await stub.snapshot())!
    expect(snap.state.status).toBe('abandoned')
    expect(snap.journal.at(-1)?.type).toBe('order.stale')
  })

  it('records an order no cart matches without attributing it', async () => {
    const store = await createStore()
    const res = await signed(
      store,
      wooOrder({ id: 8008, billing: { email: 'nobody@example.com' } }),
    )
    expect(await res.json()).toEqual({ ok: true, matched: false })
    const row = await env.DB.prepare(
      'SELECT cart_id, total FROM orders WHERE store_id = ? AND order_id = ?',
    )
      .bind(store.id, '8008')
      .first()
    expect(row).toEqual({ cart_id: null, total: 5250 })
  })

  it('ignores topics other than orders', async () => {
    const store = await createStore()
    const res = await signed(store, { id: 3 }, { 'X-WC-Webhook-Topic': 'product.updated' })
    expect(await res.json()).toEqual({ ok: true, ignored: 'product.updated' })
  })
})
