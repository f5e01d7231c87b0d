// Shared by the cart machine's transition tests (Node): a cart with one line, orders, and the
// events a merchant, a shopper and the storefront send. The store is test/domain/cart.ts's Acme
// with a one-hour attribution window and SMS double opt-in; no sequence (runs.test.ts has those).
import { newCart } from '../../src/domain/cart/machine'
import type { CartEvent, CartState, Item, OrderReport } from '../../src/domain/cart/types'
import { policy as storePolicy } from './steps'

export { timer } from './cart'

export const T0 = 1_700_000_000_000
export const S = 1000
export const policy = storePolicy([], { attributionWindowSeconds: 3600, smsDoubleOptIn: true })
export const ITEM: Item = { id: 'sku-1', name: 'Ocean Tee', price: 2400, quantity: 2 }

export function cart(overrides: Partial<CartState> = {}): CartState {
  return {
    ...newCart('st_1', 'cart_0123456789abcdef', 'USD', T0),
    revision: 3,
    items: [ITEM],
    total: 4800,
    ...overrides,
  }
}
export const abandoned = (o: Partial<CartState> = {}) =>
  cart({
    status: 'abandoned',
    abandonedAt: T0 + 60 * S,
    abandonDueAt: T0 + 60 * S,
    abandonCount: 1,
    ...o,
  })

export function order(o: Partial<OrderReport> = {}): OrderReport {
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
export const click: CartEvent = { type: 'restore.rebuilt', step: null }
export const paid = (o: Partial<OrderReport> = {}): CartEvent => ({
  type: 'order.reported',
  order: order(o),
})
export const act = (action: 'archive' | 'ignore' | 'unignore' | 'mark_recovered'): CartEvent => ({
  type: 'merchant.acted',
  action,
})
export const beacon = (
  b: Partial<Extract<CartEvent, { type: 'beacon.received' }>['beacon']> = {},
) => ({ type: 'beacon.received', beacon: { kind: 'cart', ...b } }) as CartEvent
