// Shared by the cart machine's table tests (Node): a store policy, sequence steps, a shopper.

import { newCart, next } from '../../src/domain/cart/machine'
import type { CartEvent, CartState, OrderReport } from '../../src/domain/cart/types'
import type { Step } from '../../src/domain/sequence/steps'
import type { CartPolicy } from '../../src/domain/store/settings'

// Monday 2026-11-23 15:00 UTC = 10:00 in New York.
export const T0 = Date.parse('2026-11-23T14:59:00Z')
export const ABANDONED = T0 + 60_000
export const M = 60_000
export const H = 60 * M

/** An email step `delayMin` minutes after abandonment. */
export const email = (id: string, delayMin: number, windowMin = 600): Step => ({
  id,
  channel: 'email',
  delaySeconds: delayMin * 60,
  windowSeconds: windowMin * 60,
  template: { subject: 's', heading: 'h', body: 'b', buttonLabel: 'go' },
})
/** A text step `delayMin` minutes after abandonment. */
export const text = (id: string, delayMin: number, windowMin = 600): Step => ({
  id,
  channel: 'sms',
  delaySeconds: delayMin * 60,
  windowSeconds: windowMin * 60,
  template: { body: '{{restoreUrl}}' },
})

/** A store's policy for one cart: Acme in USD, quiet 21:00–8:00, with `sequence`. */
export function policy(sequence: Step[], o: Partial<CartPolicy> = {}): CartPolicy {
  return {
    version: 1,
    storeName: 'Acme',
    currency: 'USD',
    baseUrl: 'https://cartback.test',
    smsFrom: null,
    attribution: { emailWindowSeconds: 5 * 86_400, smsWindowSeconds: 86_400 },
    inactivitySeconds: 60,
    attributionWindowSeconds: 7 * 24 * 3600,
    restoreTtlSeconds: 86_400,
    sequence,
    quietHours: { startHour: 8, endHour: 21 },
    sender: { accentColor: '#4f46e5' },
    smsDoubleOptIn: false,
    ...o,
  }
}

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
