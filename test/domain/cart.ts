// A shopper's cart and the events it gets, for the cart machine's table tests (Node).
import { newCart, next } from '../../src/domain/cart/machine'
import type { CartEvent, CartState, OrderReport } from '../../src/domain/cart/types'
import type { CartPolicy } from '../../src/domain/store/settings'
import { ABANDONED, T0 } from './clock'

/** A New York shopper with one item, an email, a phone and SMS consent. */
export function shopper(o: Partial<CartState> = {}): CartState {
  return {
    ...newCart('st_1', 'cart_0123456789abcdef', 'USD', T0),
    items: [{ id: 'tee', name: 'Tee', price: 2400, quantity: 1 }],
    total: 2400,
    contact: { email: 'ada@example.com', phone: '+12125550123' },
    consents: [{ channel: 'sms', granted: true, text: 'Text me', at: T0, phone: '+12125550123' }],
    ...o,
  }
}

export const timer: CartEvent = { type: 'timer.fired' }
export const sent = (stepId: string): CartEvent => ({
  type: 'message.settled',
  stepId,
  outcome: 'sent',
  messageId: `msg_${stepId}`,
  reason: null,
})

/** A send of `stepId` that failed with `reason` (with `messageId` when the provider took it). */
export const failed = (
  stepId: string,
  reason: string,
  messageId: string | null = null,
): CartEvent => ({
  type: 'message.settled',
  stepId,
  outcome: 'failed',
  messageId,
  reason,
})

/** The webhook's report of the shopper's paid order for the tee (`o` changes any field). */
export const ordered = (id: string, placedAt: number, o: Partial<OrderReport> = {}): CartEvent => ({
  type: 'order.reported',
  order: {
    id,
    status: 'processing',
    paid: true,
    total: 2400,
    refunded: 0,
    currency: 'USD',
    source: 'webhook',
    placedAt,
    modifiedAt: null,
    ...o,
  },
})

/** Abandons the cart through the machine, as the alarm would. */
export function abandonedWith(p: CartPolicy, o: Partial<CartState> = {}) {
  return next(shopper(o), timer, ABANDONED, p)
}
