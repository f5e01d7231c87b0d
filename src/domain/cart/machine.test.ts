import { describe, expect, it } from 'vitest'
import type { CartPolicy } from '../store/settings'
import { newCart, next, recoveredRevenue, takesOrder } from './machine'
import type { CartEvent, CartState, CartStatus, Item, OrderReport } from './types'

const T0 = 1_700_000_000_000
const S = 1000
// No sequence here: sequence.test.ts covers the steps.
const policy: CartPolicy = {
  version: 1,
  storeName: 'Acme',
  currency: 'USD',
  baseUrl: 'https://cartback.test',
  smsFrom: null,
  attribution: { emailWindowSeconds: 5 * 86_400, smsWindowSeconds: 86_400 },
  inactivitySeconds: 60,
  attributionWindowSeconds: 3600,
  restoreTtlSeconds: 86_400,
  sequence: [],
  quietHours: { startHour: 8, endHour: 21 },
  sender: { accentColor: '#4f46e5' },
  smsDoubleOptIn: true,
}
const ITEM: Item = { id: 'sku-1', name: 'Ocean Tee', price: 2400, quantity: 2 }

function cart(overrides: Partial<CartState> = {}): CartState {
  return {
    ...newCart('st_1', 'cart_0123456789abcdef', 'USD', T0),
    revision: 3,
    items: [ITEM],
    total: 4800,
    ...overrides,
  }
}
const abandoned = (o: Partial<CartState> = {}) =>
  cart({ status: 'abandoned', abandonedAt: T0 + 60 * S, abandonCount: 1, ...o })

function order(o: Partial<OrderReport> = {}): OrderReport {
  return {
    id: '1001',
    status: 'processing',
    paid: true,
    total: 5000,
    refunded: 0,
    currency: 'USD',
    source: 'webhook',
    placedAt: T0 + 120 * S,
    modifiedAt: null,
    ...o,
  }
}
const timer: CartEvent = { type: 'timer.fired' }
const click: CartEvent = { type: 'restore.rebuilt', step: null }
const paid = (o: Partial<OrderReport> = {}): CartEvent => ({
  type: 'order.reported',
  order: order(o),
})
const act = (action: 'archive' | 'ignore' | 'unignore' | 'mark_recovered'): CartEvent => ({
  type: 'merchant.acted',
  action,
})
const beacon = (b: Partial<Extract<CartEvent, { type: 'beacon.received' }>['beacon']> = {}) =>
  ({ type: 'beacon.received', beacon: { kind: 'cart', ...b } }) as CartEvent

describe('next: status transitions', () => {
  // [name, from, event, now, expected status]
  const table: [string, CartState, CartEvent, number, CartStatus][] = [
    ['abandons an active cart at the inactivity deadline', cart(), timer, T0 + 60 * S, 'abandoned'],
    ['keeps an active cart whose alarm fired early', cart(), timer, T0 + 59 * S, 'active'],
    ['never abandons an empty cart', cart({ items: [], total: 0 }), timer, T0 + 3600 * S, 'active'],
    [
      'loses an abandoned cart when the attribution window closes',
      abandoned(),
      timer,
      T0 + 3660 * S,
      'lost',
    ],
    ['keeps an abandoned cart inside the window', abandoned(), timer, T0 + 3659 * S, 'abandoned'],
    [
      'reactivates an abandoned cart on new activity',
      abandoned(),
      beacon({ items: [ITEM] }),
      T0 + 200 * S,
      'active',
    ],
    [
      'reactivates a lost cart that gets items',
      cart({ status: 'lost', abandonedAt: T0, lostAt: T0 }),
      beacon({ items: [ITEM] }),
      T0 + 9999 * S,
      'active',
    ],
    [
      'restores an abandoned cart when the storefront rebuilds it',
      abandoned(),
      click,
      T0 + 100 * S,
      'restored',
    ],
    [
      'restores a lost cart when the storefront rebuilds it',
      cart({ status: 'lost', abandonedAt: T0 }),
      click,
      T0 + 9999 * S,
      'restored',
    ],
    ['does not restore a cart that was never abandoned', cart(), click, T0 + 10 * S, 'active'],
    [
      'does not restore a recovered cart',
      cart({ status: 'recovered', abandonedAt: T0, recoveredAt: T0 }),
      click,
      T0 + 10 * S,
      'recovered',
    ],
    [
      'does not restore an archived cart',
      cart({ status: 'archived', abandonedAt: T0 }),
      click,
      T0 + 10 * S,
      'archived',
    ],
    [
      'abandons a restored cart again after inactivity',
      abandoned({ status: 'restored', restoredAt: T0 + 100 * S, lastActivityAt: T0 + 100 * S }),
      timer,
      T0 + 160 * S,
      'abandoned',
    ],
    ['converts an active cart that was never abandoned', cart(), paid(), T0 + 30 * S, 'converted'],
    [
      'recovers an abandoned cart paid within the window',
      abandoned(),
      paid(),
      T0 + 120 * S,
      'recovered',
    ],
    [
      'recovers a restored cart paid within the window',
      abandoned({ status: 'restored', restoredAt: T0 + 100 * S }),
      paid(),
      T0 + 120 * S,
      'recovered',
    ],
    [
      'recovers a reactivated cart paid within the window',
      abandoned({ status: 'active' }),
      paid(),
      T0 + 120 * S,
      'recovered',
    ],
    [
      'converts when the order was placed before abandonment',
      abandoned(),
      paid({ placedAt: T0 + 30 * S }),
      T0 + 120 * S,
      'converted',
    ],
    [
      'counts an order stamped in the second of abandonment',
      abandoned({ abandonedAt: T0 + 60 * S + 400 }),
      paid({ placedAt: T0 + 60 * S }),
      T0 + 120 * S,
      'recovered',
    ],
    [
      'converts an order stamped the second before abandonment',
      abandoned({ abandonedAt: T0 + 60 * S + 400 }),
      paid({ placedAt: T0 + 59 * S }),
      T0 + 120 * S,
      'converted',
    ],
    [
      'converts when the order comes after the window',
      abandoned(),
      paid({ placedAt: T0 + 4000 * S }),
      T0 + 4000 * S,
      'converted',
    ],
    [
      'waits for payment: a pending order changes no status',
      abandoned(),
      paid({ status: 'pending', paid: false }),
      T0 + 120 * S,
      'abandoned',
    ],
    [
      'keeps an ignored cart ignored when it is paid',
      abandoned({ status: 'ignored', heldFrom: 'abandoned' }),
      paid(),
      T0 + 120 * S,
      'ignored',
    ],
    ['archives any cart', abandoned(), act('archive'), T0 + 70 * S, 'archived'],
    ['ignores any cart', cart(), act('ignore'), T0 + 10 * S, 'ignored'],
    [
      'unignore returns to the status before',
      abandoned({ status: 'ignored', heldFrom: 'abandoned' }),
      act('unignore'),
      T0 + 70 * S,
      'abandoned',
    ],
    [
      'marks an abandoned cart recovered by hand',
      abandoned(),
      act('mark_recovered'),
      T0 + 70 * S,
      'recovered',
    ],
  ]
  it.each(table)('%s', (_name, from, event, now, status) => {
    expect(next(from, event, now, policy).state.status).toBe(status)
  })
})

describe('next: refused transitions change nothing', () => {
  const table: [string, CartState, CartEvent][] = [
    ['archiving an archived cart', cart({ status: 'archived' }), act('archive')],
    ['ignoring an ignored cart', cart({ status: 'ignored', heldFrom: 'active' }), act('ignore')],
    ['unignoring a cart that is not ignored', cart(), act('unignore')],
    ['marking a never-abandoned cart recovered', cart(), act('mark_recovered')],
    [
      'marking a converted cart recovered',
      cart({ status: 'converted', convertedAt: T0 }),
      act('mark_recovered'),
    ],
    [
      'marking a recovered cart recovered',
      abandoned({ status: 'recovered', recoveredAt: T0 + 100 * S }),
      act('mark_recovered'),
    ],
    [
      'a second, different order on the same cart',
      abandoned({
        status: 'recovered',
        recoveredAt: T0 + 100 * S,
        order: { ...order(), updatedAt: T0, statusBefore: 'abandoned' },
      }),
      paid({ id: '2002' }),
    ],
  ]
  it.each(table)('%s', (_name, from, event) => {
    const t = next(from, event, T0 + 500 * S, policy)
    expect(t.refused?.code).toBe('CONFLICT')
    expect(t.state).toBe(from)
    expect(t.effects).toEqual([])
  })
})

describe('next: timers', () => {
  it('abandons at the exact deadline and wakes at the end of the attribution window', () => {
    const t = next(cart(), timer, T0 + 61 * S, policy)
    expect(t).toEqual({
      state: {
        ...cart(),
        status: 'abandoned',
        abandonedAt: T0 + 60 * S,
        abandonCount: 1,
        revision: 4,
        updatedAt: T0 + 61 * S,
      },
      effects: [{ type: 'publish_report' }],
      wakeAt: T0 + 60 * S + 3600 * S,
      journal: [
        { at: T0 + 60 * S, type: 'cart.abandoned', source: 'timer', inactivitySeconds: 60 },
      ],
    })
  })

  it('treats an early or duplicate alarm as a no-op that keeps the same wake time', () => {
    const before = cart()
    const t = next(before, timer, T0 + 30 * S, policy)
    expect(t).toEqual({ state: before, effects: [], wakeAt: T0 + 60 * S, journal: [] })
  })

  it('catches up on every deadline a very late alarm missed', () => {
    const t = next(cart(), timer, T0 + 10_000 * S, policy)
    expect(t.state.status).toBe('lost')
    expect(t.journal.map((j) => [j.type, j.at])).toEqual([
      ['cart.abandoned', T0 + 60 * S],
      ['cart.lost', T0 + 3660 * S],
    ])
    expect(t.wakeAt).toBeNull()
  })

  it('keeps the first abandonment when a restored cart is left again', () => {
    const restored = abandoned({
      status: 'restored',
      restoredAt: T0 + 100 * S,
      lastActivityAt: T0 + 100 * S,
    })
    const t = next(restored, timer, T0 + 160 * S, policy)
    expect(t.state).toMatchObject({
      status: 'abandoned',
      abandonedAt: T0 + 60 * S,
      abandonCount: 2,
    })
    expect(t.journal).toEqual([
      { at: T0 + 160 * S, type: 'cart.abandoned', source: 'timer', inactivitySeconds: 60 },
    ])
    // An order placed between the click and the second abandonment still counts.
    expect(next(t.state, paid({ placedAt: T0 + 150 * S }), T0 + 170 * S, policy).state.status).toBe(
      'recovered',
    )
  })

  it('starts a new episode when a lost cart comes back', () => {
    const lost = cart({
      status: 'lost',
      abandonedAt: T0,
      restoredAt: T0 + S,
      lostAt: T0 + 3600 * S,
      restores: [{ step: null, at: T0 + S, repeats: 0 }],
    })
    const t = next(lost, beacon({ items: [ITEM] }), T0 + 9000 * S, policy)
    expect(t.state).toMatchObject({ status: 'active', abandonedAt: null, restoredAt: null })
    // The old episode's links may restore the new one.
    expect(t.state.restores).toEqual([])
    expect(next(t.state, timer, T0 + 9060 * S, policy).state.abandonedAt).toBe(T0 + 9060 * S)
  })

  it('pushes the inactivity deadline on every activity', () => {
    const t = next(cart(), beacon({ contact: { firstName: 'Ada' } }), T0 + 50 * S, policy)
    expect(t.state.lastActivityAt).toBe(T0 + 50 * S)
    expect(t.wakeAt).toBe(T0 + 110 * S)
  })

  it('sleeps without an alarm once the cart is in a final status', () => {
    for (const status of ['recovered', 'converted', 'archived', 'ignored'] as const) {
      expect(
        next(cart({ status }), beacon({ page: 'https://shop.example/' }), T0, policy).wakeAt,
      ).toBeNull()
    }
  })

  it('is no longer lost once a lost cart is restored', () => {
    const lost = cart({ status: 'lost', abandonedAt: T0, lostAt: T0 + 3600 * S })
    expect(next(lost, click, T0 + 4000 * S, policy).state).toMatchObject({
      status: 'restored',
      lostAt: null,
    })
  })

  it('restarts the attribution window at a restore', () => {
    const t = next(abandoned(), click, T0 + 1000 * S, policy)
    expect(t.state.restoredAt).toBe(T0 + 1000 * S)
    // Next: inactivity from the restore (1060 s), before the window's new end (4600 s).
    expect(t.wakeAt).toBe(T0 + 1060 * S)
    expect(t.journal).toEqual([
      { at: T0 + 1000 * S, type: 'cart.restored', source: 'shopper', step: null },
    ])
  })

  it('records a link once per episode: a repeat only counts', () => {
    const first = next(abandoned(), click, T0 + 1000 * S, policy)
    const again = next(first.state, click, T0 + 2000 * S, policy)
    expect(again.journal).toEqual([])
    expect(again.effects).toEqual([])
    expect(again.state).toEqual({
      ...first.state,
      restores: [{ step: null, at: T0 + 1000 * S, repeats: 1 }],
    })
    // Left again and abandoned: the same link still restarts nothing.
    const left = next(again.state, timer, T0 + 1060 * S, policy).state
    expect(left.status).toBe('abandoned')
    const third = next(left, click, T0 + 1100 * S, policy)
    expect(third.state.status).toBe('abandoned')
    expect(third.state.restoredAt).toBe(T0 + 1000 * S)
    expect(third.journal).toEqual([])
    // Another step's link is a restore of its own.
    const other = next(left, { type: 'restore.rebuilt', step: 'e1' }, T0 + 1200 * S, policy)
    expect(other.state).toMatchObject({ status: 'restored', restoredAt: T0 + 1200 * S })
    expect(other.journal.map((j) => [j.type, j.step])).toEqual([['cart.restored', 'e1']])
  })

  it('journals a rebuild of a cart that was never abandoned once, without a restore', () => {
    const t = next(cart(), click, T0 + 10 * S, policy)
    expect(t.state.restoredAt).toBeNull()
    expect(t.journal.map((j) => j.type)).toEqual(['restore.rebuilt'])
    expect(next(t.state, click, T0 + 20 * S, policy).journal).toEqual([])
  })
})

describe('next: carts and contacts', () => {
  it('stops everything when an abandoned cart is emptied', () => {
    const t = next(abandoned(), beacon({ items: [] }), T0 + 100 * S, policy)
    expect(t.state.status).toBe('active')
    expect(t.state.total).toBe(0)
    expect(t.wakeAt).toBeNull()
    expect(t.journal.map((j) => j.type)).toEqual(['cart.updated', 'cart.emptied'])
  })

  it('computes the total from the lines when the beacon gives none', () => {
    const t = next(
      cart({ items: [], total: 0 }),
      beacon({ items: [ITEM, { ...ITEM, id: 'b', price: 100, quantity: 3 }] }),
      T0,
      policy,
    )
    expect(t.state.total).toBe(5100)
  })

  it('journals a dropped phone without storing it', () => {
    const t = next(
      cart(),
      beacon({ kind: 'contact', contact: { email: 'a@b.co' }, invalid: ['phone'] }),
      T0,
      policy,
    )
    expect(t.state.contact).toEqual({ email: 'a@b.co' })
    expect(t.journal.map((j) => j.type)).toEqual(['contact.updated', 'contact.phone_invalid'])
  })

  it('records consent with its evidence once, and again only when it changes', () => {
    const given = { channel: 'sms' as const, granted: true, text: 'Text me', ip: '203.0.113.9' }
    const first = next(
      cart({ contact: { phone: '+14155552671' } }),
      beacon({ kind: 'contact', consents: [given] }),
      T0,
      policy,
    )
    expect(first.state.consents).toEqual([
      { ...given, phone: '+14155552671', email: undefined, at: T0 },
    ])
    const repeat = next(first.state, beacon({ kind: 'contact', consents: [given] }), T0 + S, policy)
    expect(repeat.state.consents).toHaveLength(1)
    const revoked = next(
      repeat.state,
      beacon({ kind: 'contact', consents: [{ ...given, granted: false }] }),
      T0 + 2 * S,
      policy,
    )
    expect(revoked.state.consents.map((c) => c.granted)).toEqual([true, false])
  })

  it('bumps the revision and publishes a report only when the state changed', () => {
    const changed = next(cart(), beacon({ items: [ITEM] }), T0 + S, policy)
    expect(changed.state.revision).toBe(4)
    expect(changed.effects).toEqual([{ type: 'publish_report' }])
    const same = next(cart(), timer, T0 + S, policy)
    expect(same.state.revision).toBe(3)
    expect(same.effects).toEqual([])
  })
})

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
