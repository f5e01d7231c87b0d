import type { CartPolicy } from '../store/settings'
import { onBeacon } from './beacon'
import { assertNever, finish } from './finish'
import { onMerchant } from './merchant'
import { onOrder, onOrderMoved } from './orders'
import { cancelRuns, settleRun } from './runs'
import { onRestoreRebuilt, onTimer } from './timer'
import type { CartEvent, CartState, JournalEntry, Transition } from './types'

export { deadlines, wakeAt } from './deadlines'
export { newCart, recoveredRevenue } from './new-cart'
export { takesOrder } from './orders'
export { stepDueAt } from './timer'

/**
 * The cart's behaviour: given the current state, an event, the clock and the store's
 * policy, returns the next state, the effects to run, when to wake next and what to journal.
 * Pure: no I/O, no clock of its own.
 *
 * @example next(cart, { type: 'timer.fired' }, now, policy).state.status // 'abandoned'
 */
export function next(
  state: CartState,
  event: CartEvent,
  now: number,
  policy: CartPolicy,
): Transition {
  // What only adds to the cart's story, the state as it was.
  const journal = (entry: JournalEntry) => finish(state, state, [entry], now, policy)
  switch (event.type) {
    case 'beacon.received':
      return onBeacon(state, event.beacon, now, policy)
    case 'timer.fired':
      return onTimer(state, now, policy, event.contact, event.assignment, event.variants)
    case 'sequence.superseded': {
      // A newer cart of the same contact takes over: one sequence per contact at a time, now
      // and later (this cart starts none while superseded).
      const stopped = cancelRuns({ ...state, supersededBy: event.by }, 'superseded', now)
      const entry: JournalEntry = {
        at: now,
        type: 'cart.superseded',
        source: 'storefront',
        by: event.by,
      }
      return finish(state, stopped.state, [entry, ...stopped.journal], now, policy)
    }
    case 'contact.replied':
      return journal({ ...event.detail, at: now, type: `sms.${event.keyword}`, source: 'shopper' })
    case 'restore.rebuilt':
      return onRestoreRebuilt(state, event.step, now, policy)
    case 'order.reported':
      return onOrder(state, event.order, now, policy)
    case 'order.moved':
      return onOrderMoved(state, event.orderId, event.to, now, policy)
    case 'merchant.acted':
      return onMerchant(state, event.action, now, policy)
    case 'contact.unsubscribed':
      // Suppression itself lives with the address (D1 suppressions); the cart keeps the story.
      return journal({
        at: now,
        type: 'contact.unsubscribed',
        source: 'shopper',
        channel: event.channel,
        via: event.source,
      })
    case 'message.event':
      // Delivery, opens, bounces: the timeline keeps them; the message row has the state. Never
      // a click: provider click tracking counts mail scanners; only a restore marks a step clicked.
      return journal({
        at: event.at,
        type: `message.${event.event}`,
        source: 'webhook',
        messageId: event.messageId,
        step: event.step,
      })
    case 'message.recorded':
      // The cart's story names every message sent for it, in the sequence's own terms.
      return journal({
        at: event.at,
        type: `message.${event.outcome}`,
        source: 'storefront',
        step: event.step,
        channel: event.channel,
        messageId: event.messageId,
        reason: event.reason,
      })
    case 'message.settled': {
      const settled = settleRun(
        state,
        event.stepId,
        event.outcome,
        event.messageId,
        event.reason,
        now,
        event.coupon ?? null,
      )
      // A next step already due waits for the alarm (wakeAt is now), which brings the
      // contact's facts (opt-in, suppression, caps) that the decision needs.
      return finish(state, settled.state, settled.journal, now, policy)
    }
    default:
      return assertNever(event)
  }
}
