import type { CartPolicy } from '../store/settings'
import { attributionEnd } from './deadlines'
import { finish } from './finish'
import { abandonDue, attribute } from './runs'
import type { CartState, CartStatus, JournalEntry, OrderReport, Transition } from './types'

/**
 * Whether the cart takes order `orderId` (else `order.reported` refuses it): it holds no order,
 * this same one, an unpaid one, or one the merchant marked by hand.
 */
export function takesOrder(s: CartState, orderId: string): boolean {
  const prev = s.order
  return !prev || prev.id === orderId || !prev.paid || prev.source === 'merchant'
}

/**
 * An order report (webhook or storefront): refuses another cart's order, ignores stale
 * versions, recovers, converts or reverts.
 */
export function onOrder(s: CartState, r: OrderReport, now: number, policy: CartPolicy): Transition {
  const source = r.source
  const prev = s.order
  if (prev && !takesOrder(s, r.id)) {
    const message = `Cart already has order ${prev.id}; order ${r.id} is not attributed to it.`
    const journal: JournalEntry[] = [
      { at: now, type: 'order.refused', source, orderId: r.id, reason: message },
    ]
    return finish(s, s, journal, now, policy, { code: 'CONFLICT', message })
  }
  if (prev?.id === r.id) {
    // The webhook's amount and status win over the storefront's report of the same order.
    if (prev.source === 'webhook' && r.source === 'storefront') {
      return finish(
        s,
        s,
        [{ at: now, type: 'order.confirmed', source, orderId: r.id }],
        now,
        policy,
      )
    }
    // Webhooks arrive out of order and can be replayed: an older version changes nothing.
    if (prev.modifiedAt !== null && r.modifiedAt !== null && r.modifiedAt < prev.modifiedAt) {
      return finish(s, s, [{ at: now, type: 'order.stale', source, orderId: r.id }], now, policy)
    }
  }
  // Counted = the cart already recovered or converted; a merchant's hold does not change that.
  const counted = s.recoveredAt !== null || s.convertedAt !== null
  const held = s.status === 'archived' || s.status === 'ignored'
  const underneath = held ? (s.heldFrom ?? 'active') : s.status
  const statusBefore = counted && prev ? prev.statusBefore : underneath
  let n: CartState = { ...s, order: { ...r, updatedAt: now, statusBefore } }
  const journal: JournalEntry[] = [
    {
      at: now,
      type: prev?.id === r.id ? 'order.updated' : 'order.placed',
      source,
      orderId: r.id,
      orderStatus: r.status,
      paid: r.paid,
      total: r.total,
      refunded: r.refunded,
      currency: r.currency,
    },
  ]
  // A held (archived, ignored) cart keeps its status; the order's outcome waits underneath it.
  const settle = (status: CartStatus, stamps: Partial<CartState>): CartState =>
    held ? { ...n, ...stamps, heldFrom: status } : { ...n, ...stamps, status }
  if (r.paid && !counted) {
    if (attributable(s, r.placedAt, policy)) {
      const credit = attribute(s, r.placedAt, policy)
      n = settle('recovered', { recoveredAt: now, attribution: credit })
      journal.push({
        at: now,
        type: 'cart.recovered',
        source,
        revenue: r.total - r.refunded,
        step: credit?.step ?? null,
        channel: credit?.channel ?? null,
        via: credit?.via ?? null,
        ...(credit?.variant ? { variant: credit.variant, experiment: credit.experiment } : {}),
      })
    } else {
      n = settle('converted', { convertedAt: now })
      journal.push({ at: now, type: 'cart.converted', source })
    }
  } else if (!r.paid && counted) {
    // A cancelled or fully refunded order undoes the recovery it caused.
    n = settle(statusBefore, { recoveredAt: null, convertedAt: null, attribution: null })
    journal.push({ at: now, type: 'order.reverted', source, orderStatus: r.status })
  }
  return finish(s, n, journal, now, policy)
}

/**
 * The storefront's report of an order, taken over by the cart a signed webhook names: the cart
 * is as it was before the order (its status, no conversion or recovery). Anything else (another
 * order, the webhook's own report) is left alone.
 */
export function onOrderMoved(
  s: CartState,
  orderId: string,
  to: string,
  now: number,
  policy: CartPolicy,
): Transition {
  const prev = s.order
  if (prev?.id !== orderId || prev.source !== 'storefront') return finish(s, s, [], now, policy)
  const held = s.status === 'archived' || s.status === 'ignored'
  const undone: CartState = {
    ...s,
    order: null,
    recoveredAt: null,
    convertedAt: null,
    attribution: null,
  }
  const n = held
    ? { ...undone, heldFrom: prev.statusBefore }
    : { ...undone, status: prev.statusBefore }
  const entry: JournalEntry = { at: now, type: 'order.moved', source: 'webhook', orderId, to }
  return finish(s, n, [entry], now, policy)
}

/** Paid after the cart was abandoned and before the attribution window closed. */
function attributable(s: CartState, placedAt: number, policy: CartPolicy): boolean {
  const due = abandonDue(s)
  if (due === null) return false
  // Order times have whole-second precision (WooCommerce's date_*_gmt), so compare in seconds.
  const abandonedSecond = due - (due % 1000)
  return placedAt >= abandonedSecond && placedAt <= attributionEnd(s, policy)
}
