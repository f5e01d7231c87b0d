// The cart machine on orders: payment, refunds, redelivery, storefront vs webhook, holds.
import { describe, expect, it } from 'vitest'
import { abandoned, act, beacon, cart, paid, policy, S, T0 } from '#test/domain/machine'
import { next, recoveredRevenue, takesOrder } from './machine'
import type { CartEvent } from './types'

describe('next: orders', () => {
  it('counts a redelivered order once', () => {
    const once = next(abandoned(), paid(), T0 + 120 * S, policy).state
    const twice = next(once, paid(), T0 + 130 * S, policy)
    expect(twice.state.status).toBe('recovered')
    expect(recoveredRevenue(twice.state)).toBe(5000)
    expect(twice.journal.map((j) => j.type)).toEqual(['order.updated'])
  })

  it('recovers once a pending order is paid', () => {
    const pending = next(
      abandoned(),
      paid({ status: 'pending', paid: false }),
      T0 + 120 * S,
      policy,
    ).state
    const t = next(pending, paid({ status: 'processing' }), T0 + 200 * S, policy)
    expect(t.state.status).toBe('recovered')
    expect(recoveredRevenue(t.state)).toBe(5000)
  })

  it('subtracts partial refunds from the recovered revenue', () => {
    const rec = next(abandoned(), paid(), T0 + 120 * S, policy).state
    const t = next(rec, paid({ refunded: 1500 }), T0 + 300 * S, policy)
    expect(t.state.status).toBe('recovered')
    expect(recoveredRevenue(t.state)).toBe(3500)
  })

  it('undoes the recovery when the order is cancelled or fully refunded', () => {
    const rec = next(abandoned(), paid(), T0 + 120 * S, policy).state
    const t = next(
      rec,
      paid({ status: 'refunded', paid: false, refunded: 5000 }),
      T0 + 300 * S,
      policy,
    )
    expect(t.state.status).toBe('abandoned')
    expect(t.state.recoveredAt).toBeNull()
    expect(recoveredRevenue(t.state)).toBe(0)
    expect(t.journal.map((j) => j.type)).toEqual(['order.updated', 'order.reverted'])
  })

  it("keeps the webhook's amount over the storefront's report of the same order", () => {
    const fromHook = next(abandoned(), paid({ total: 5150 }), T0 + 120 * S, policy).state
    const t = next(fromHook, paid({ source: 'storefront', total: 4800 }), T0 + 121 * S, policy)
    expect(t.state).toBe(fromHook)
    expect(recoveredRevenue(t.state)).toBe(5150)
  })

  it("replaces the storefront's amount when the webhook arrives", () => {
    const store = next(
      abandoned(),
      paid({ source: 'storefront', status: 'placed', total: 4800 }),
      T0 + 120 * S,
      policy,
    ).state
    const t = next(store, paid({ total: 5150 }), T0 + 125 * S, policy)
    expect(t.state.order?.source).toBe('webhook')
    expect(recoveredRevenue(t.state)).toBe(5150)
  })

  it("undoes the storefront's order when a signed webhook credits another cart with it", () => {
    const rec = next(abandoned(), paid({ source: 'storefront' }), T0 + 120 * S, policy).state
    const moved: CartEvent = { type: 'order.moved', orderId: '1001', to: 'cart_other' }
    const t = next(rec, moved, T0 + 130 * S, policy)
    expect(t.state).toMatchObject({ status: 'abandoned', order: null, recoveredAt: null })
    expect(recoveredRevenue(t.state)).toBe(0)
    expect(t.journal).toEqual([
      {
        at: T0 + 130 * S,
        type: 'order.moved',
        source: 'webhook',
        orderId: '1001',
        to: 'cart_other',
      },
    ])
    // The webhook's own order, or another order id, stays.
    const hooked = next(abandoned(), paid(), T0 + 120 * S, policy).state
    expect(next(hooked, moved, T0 + 130 * S, policy).state).toBe(hooked)
    const other = { ...moved, orderId: '9999' }
    expect(next(rec, other, T0 + 130 * S, policy).state).toBe(rec)
  })

  it('takes an order only without a paid order of its own', () => {
    const held = next(abandoned(), paid(), T0 + 120 * S, policy).state
    expect(takesOrder(held, '1001')).toBe(true)
    expect(takesOrder(held, '1002')).toBe(false)
    expect(takesOrder(cart(), '1002')).toBe(true)
    const cancelled = next(held, paid({ status: 'cancelled', paid: false }), T0 + 130 * S, policy)
    expect(takesOrder(cancelled.state, '1002')).toBe(true)
  })

  it('records a storefront order beacon on the cart', () => {
    const t = next(
      abandoned(),
      beacon({ kind: 'order', order: { id: 'A-1', total: 4800 } }),
      T0 + 120 * S,
      policy,
    )
    expect(t.state.status).toBe('recovered')
    expect(t.state.order).toMatchObject({ id: 'A-1', source: 'storefront', total: 4800 })
  })

  it('journals a text sent outside the sequence (the opt-in request) and changes nothing else', () => {
    const cart = abandoned()
    const t = next(
      cart,
      {
        type: 'message.recorded',
        messageId: 'msg_1',
        step: 'optin',
        channel: 'sms',
        outcome: 'sent',
        reason: null,
        at: T0 + 5 * S,
      },
      T0 + 6 * S,
      policy,
    )
    expect(t.state).toBe(cart)
    expect(t.effects).toEqual([])
    expect(t.journal).toEqual([
      {
        at: T0 + 5 * S,
        type: 'message.sent',
        source: 'storefront',
        step: 'optin',
        channel: 'sms',
        messageId: 'msg_1',
        reason: null,
      },
    ])
  })

  it('changes and journals nothing when the storefront reports the order the cart holds again', () => {
    const order = beacon({ kind: 'order', order: { id: 'A-1', total: 4800 } })
    const placed = next(abandoned(), order, T0 + 120 * S, policy).state
    const again = next(placed, order, T0 + 130 * S, policy)
    expect(again).toEqual({ state: placed, effects: [], wakeAt: null, journal: [] })
  })

  it('ignores an older version of the same order that arrives late or is replayed', () => {
    const processing = paid({ status: 'processing', modifiedAt: T0 + 100 * S })
    const refunded = paid({
      status: 'refunded',
      paid: false,
      refunded: 5000,
      modifiedAt: T0 + 200 * S,
    })
    const rec = next(abandoned(), processing, T0 + 120 * S, policy).state
    const undone = next(rec, refunded, T0 + 210 * S, policy).state
    expect(undone.status).toBe('abandoned')
    const late = next(undone, processing, T0 + 220 * S, policy)
    expect(late.state).toBe(undone)
    expect(late.journal.map((j) => j.type)).toEqual(['order.stale'])
  })

  it('lets a paid order replace an earlier order that was never paid', () => {
    const failed = next(
      abandoned(),
      paid({ id: '1001', status: 'failed', paid: false }),
      T0 + 100 * S,
      policy,
    )
    const t = next(failed.state, paid({ id: '1002', total: 4800 }), T0 + 130 * S, policy)
    expect(t.refused).toBeUndefined()
    expect(t.state.order?.id).toBe('1002')
    expect(t.state.status).toBe('recovered')
    expect(recoveredRevenue(t.state)).toBe(4800)
  })

  it('settles a paid order under a hold, so unignore returns to the right status', () => {
    const ignored = next(abandoned(), act('ignore'), T0 + 70 * S, policy).state
    const t = next(ignored, paid(), T0 + 120 * S, policy)
    expect(t.state).toMatchObject({
      status: 'ignored',
      heldFrom: 'recovered',
      recoveredAt: T0 + 120 * S,
    })
    expect(recoveredRevenue(t.state)).toBe(5000)
    expect(next(t.state, act('unignore'), T0 + 130 * S, policy).state.status).toBe('recovered')
  })

  it('keeps the revenue of a recovered cart the merchant archives, and undoes it on refund', () => {
    const rec = next(abandoned(), paid(), T0 + 120 * S, policy).state
    const archived = next(rec, act('archive'), T0 + 130 * S, policy).state
    expect(recoveredRevenue(archived)).toBe(5000)
    const refunded = next(
      archived,
      paid({ status: 'refunded', paid: false, refunded: 5000 }),
      T0 + 140 * S,
      policy,
    ).state
    expect(refunded).toMatchObject({ status: 'archived', heldFrom: 'abandoned', recoveredAt: null })
    expect(recoveredRevenue(refunded)).toBe(0)
  })

  it('lets a real order replace a recovery the merchant marked by hand', () => {
    const manual = next(abandoned(), act('mark_recovered'), T0 + 100 * S, policy).state
    expect(recoveredRevenue(manual)).toBe(4800)
    const t = next(manual, paid({ id: '3003', total: 6100 }), T0 + 200 * S, policy)
    expect(t.refused).toBeUndefined()
    expect(t.state.status).toBe('recovered')
    expect(recoveredRevenue(t.state)).toBe(6100)
  })
})
