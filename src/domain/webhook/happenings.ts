/**
 * What a cart's or a contact's transition means to webhook endpoints: pure functions from what
 * the object journaled (or the event it handled) to the events to send. The object records them
 * with the transition (`objects/hook-outbox.ts`), so none is lost or sent for a change that did
 * not happen.
 */
import type { CartState, JournalEntry } from '../cart/types'
import type { EventData, Happened } from './events'

type Contact = CartState['contact']

/** The contact fields an event carries: the channel's own address (both when unnamed) and names. */
function contactData(c: Contact, channel?: 'email' | 'sms'): EventData<'cart.lost'>['contact'] {
  return {
    ...(c.email && channel !== 'sms' ? { email: c.email } : {}),
    ...(c.phone && channel !== 'email' ? { phone: c.phone } : {}),
    ...(c.firstName ? { firstName: c.firstName } : {}),
    ...(c.lastName ? { lastName: c.lastName } : {}),
  }
}

/** The cart as every cart event states it. */
export function cartData(s: CartState): EventData<'cart.lost'> {
  return {
    cartId: s.cartId,
    status: s.status,
    currency: s.currency,
    total: s.total,
    itemCount: s.items.reduce((n, i) => n + i.quantity, 0),
    items: s.items.map((i) => ({
      id: i.id,
      name: i.name,
      price: i.price,
      quantity: i.quantity,
      ...(i.variant ? { variant: i.variant } : {}),
    })),
    contact: contactData(s.contact),
    abandonedAt: s.abandonedAt === null ? null : new Date(s.abandonedAt).toISOString(),
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)
const channelOf = (v: unknown): 'email' | 'sms' | null => (v === 'email' || v === 'sms' ? v : null)

/**
 * The events a cart's new journal entries make, in their order, from the state after the
 * transition. Entries that concern no endpoint make none.
 */
export function cartHappenings(entries: readonly JournalEntry[], s: CartState): Happened[] {
  const stream = `cart:${s.cartId}`
  const order = s.order ? { id: s.order.id, total: s.order.total } : null
  const out: Happened[] = []
  for (const e of entries) {
    const at = e.at
    switch (e.type) {
      case 'cart.abandoned':
      case 'cart.lost':
        out.push({ type: e.type, at, stream, data: cartData(s) })
        break
      case 'cart.restored':
        out.push({ type: e.type, at, stream, data: { ...cartData(s), step: str(e.step) } })
        break
      case 'cart.converted':
        out.push({ type: e.type, at, stream, data: { ...cartData(s), order } })
        break
      case 'cart.recovered': {
        const variant = str(e.variant)
        const experiment = str(e.experiment)
        const attribution = {
          step: str(e.step),
          channel: channelOf(e.channel),
          ...(variant ? { variant } : {}),
          ...(experiment ? { experiment } : {}),
        }
        const revenue = typeof e.revenue === 'number' ? e.revenue : (order?.total ?? 0)
        out.push({
          type: e.type,
          at,
          stream,
          data: { ...cartData(s), order, revenue, attribution },
        })
        break
      }
      case 'message.sent':
      case 'message.failed': {
        // The sequence's own sends (settled by the outbox); notes of other messages are not.
        const channel = channelOf(e.channel)
        const step = str(e.step)
        if (e.source !== 'timer' || !channel || !step) break
        const base = {
          cartId: s.cartId,
          messageId: str(e.messageId),
          step,
          channel,
          contact: contactData(s.contact, channel),
        }
        if (e.type === 'message.sent') out.push({ type: e.type, at, stream, data: base })
        else out.push({ type: e.type, at, stream, data: { ...base, reason: str(e.reason) } })
        break
      }
      case 'contact.unsubscribed': {
        // A text's STOP is the contact's own event (`contactHappening`); a link is the cart's.
        const channel = channelOf(e.channel)
        if (channel !== 'email') break
        out.push({
          type: 'contact.opted_out',
          at,
          stream,
          data: {
            channel,
            contact: contactData(s.contact, channel),
            via: str(e.via) ?? 'link',
            cartId: s.cartId,
          },
        })
        break
      }
    }
  }
  return out
}

/** What the contact object handled, as far as endpoints care. */
export type ContactFact =
  | { type: 'sms.received'; body: string; at: number; duplicate: boolean }
  | { type: 'sms.opted_out'; alreadySuppressed: boolean }
  | { type: 'sms.opted_in' }
  | { type: 'thread.handed_off' }

/**
 * The event one of a texting contact's transitions makes, or null. `phone` is the contact's
 * address, `cartId` its active cart.
 */
export function contactHappening(
  fact: ContactFact,
  phone: string,
  cartId: string | null,
  now: number,
): Happened | null {
  const stream = `contact:sms:${phone}`
  const contact = { phone }
  switch (fact.type) {
    case 'sms.received':
      if (fact.duplicate) return null
      return {
        type: 'sms.reply_received',
        at: fact.at,
        stream,
        data: { contact, body: fact.body, cartId, receivedAt: new Date(fact.at).toISOString() },
      }
    case 'sms.opted_out':
    case 'sms.opted_in': {
      if (fact.type === 'sms.opted_out' && fact.alreadySuppressed) return null
      const type = fact.type === 'sms.opted_out' ? 'contact.opted_out' : 'contact.opted_in'
      return { type, at: now, stream, data: { channel: 'sms', contact, via: 'reply', cartId } }
    }
    case 'thread.handed_off':
      return { type: 'sms.handoff', at: now, stream, data: { contact, cartId } }
  }
}
