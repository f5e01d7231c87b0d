// The cart machine's statuses: every transition, and the ones it refuses.
import { describe, expect, it } from 'vitest'
import {
  abandoned,
  act,
  beacon,
  cart,
  click,
  ITEM,
  order,
  paid,
  policy,
  S,
  T0,
  timer,
} from '#test/domain/machine'
import { next } from './machine'
import type { CartEvent, CartState, CartStatus } from './types'

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
