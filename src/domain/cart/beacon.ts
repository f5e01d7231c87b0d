import type { CartPolicy } from '../store/settings'
import { finish } from './finish'
import { onOrder } from './orders'
import type {
  Beacon,
  CartState,
  CartStatus,
  Consent,
  Contact,
  JournalEntry,
  OrderReport,
  Transition,
} from './types'

/** A storefront beacon: items, contact, consents, checkout, or an order the browser saw. */
export function onBeacon(s: CartState, b: Beacon, now: number, policy: CartPolicy): Transition {
  const source = 'storefront' as const
  if (repeatsOrder(s, b)) return finish(s, s, [], now, policy)
  const journal: JournalEntry[] = []
  let n: CartState = { ...s, lastActivityAt: now }
  if (b.page) n.page = b.page

  let emptied = false
  if (b.items) {
    const total = b.total ?? b.items.reduce((sum, i) => sum + i.price * i.quantity, 0)
    emptied = b.items.length === 0 && s.items.length > 0
    n = { ...n, items: b.items, total, currency: b.currency ?? n.currency }
    journal.push({
      at: now,
      type: 'cart.updated',
      source,
      itemCount: b.items.reduce((c, i) => c + i.quantity, 0),
      total,
      currency: n.currency,
    })
  }
  if (b.contact?.email || b.contact?.phone) {
    // The shopper is back on this cart: it is their active one again (see linkContacts).
    n.supersededBy = null
  }
  if (b.contact) {
    const { contact, changed } = mergeContact(n.contact, b.contact)
    if (changed.length > 0) {
      n.contact = contact
      journal.push({ at: now, type: 'contact.updated', source, fields: changed })
    }
  }
  for (const field of b.invalid ?? []) {
    journal.push({
      at: now,
      type: `contact.${field}_invalid`,
      source,
      note: `The ${field} given is not valid; it was not stored.`,
    })
  }
  for (const given of b.consents ?? []) {
    // The record names the address it covers: the one in this beacon, else the cart's.
    const c = {
      ...given,
      phone: given.channel === 'sms' ? (given.phone ?? n.contact.phone) : given.phone,
      email: given.channel === 'email' ? (given.email ?? n.contact.email) : given.email,
    }
    if (sameConsent(lastConsent(n.consents, c.channel), c)) continue
    n.consents = [...n.consents, { ...c, at: now }]
    journal.push({
      at: now,
      type: 'consent.recorded',
      source,
      channel: c.channel,
      granted: c.granted,
      text: c.text,
    })
  }
  if (b.kind === 'checkout') journal.push({ at: now, type: 'checkout.started', source })

  n = { ...n, status: statusAfterActivity(s, n, emptied) }
  if (s.status === 'lost' && n.status === 'active') {
    // A lost cart that comes back starts a new episode: its next abandonment counts afresh,
    // and is assigned afresh in whatever holdout period runs then (the same bucket within one).
    n = {
      ...n,
      abandonedAt: null,
      abandonDueAt: null,
      restoredAt: null,
      lostAt: null,
      restores: [],
      experiment: null,
    }
  }
  if (n.status !== s.status) {
    journal.push({ at: now, type: emptied ? 'cart.emptied' : 'cart.reactivated', source })
  } else if (emptied) {
    journal.push({ at: now, type: 'cart.emptied', source })
  }

  if (b.kind === 'order' && b.order) {
    const report: OrderReport = {
      id: b.order.id,
      status: 'placed',
      paid: true,
      total: b.order.total,
      refunded: 0,
      currency: n.currency,
      source: 'storefront',
      placedAt: now,
      modifiedAt: null,
    }
    const t = onOrder(n, report, now, policy)
    return finish(s, t.state, [...journal, ...t.journal], now, policy, t.refused)
  }
  return finish(s, n, journal, now, policy)
}

/**
 * An order beacon for the order the cart already holds, with nothing else to say: the
 * thank-you page reloaded. Nothing new happened, so nothing is journaled or reported (issue 11).
 */
function repeatsOrder(s: CartState, b: Beacon): boolean {
  return (
    b.kind === 'order' &&
    b.order !== undefined &&
    s.order?.id === b.order.id &&
    b.items === undefined &&
    b.contact === undefined &&
    (b.consents?.length ?? 0) === 0
  )
}

/** Activity brings an abandoned or lost cart back to life; an emptied cart has nothing to recover. */
function statusAfterActivity(before: CartState, after: CartState, emptied: boolean): CartStatus {
  switch (before.status) {
    case 'abandoned':
      return 'active'
    case 'restored':
      return emptied ? 'active' : 'restored'
    case 'lost':
      return after.items.length > 0 ? 'active' : 'lost'
    default:
      return before.status
  }
}

function mergeContact(current: Contact, update: Contact) {
  const contact: Contact = { ...current }
  const changed: string[] = []
  for (const key of Object.keys(update) as (keyof Contact)[]) {
    const value = update[key]
    if (value === undefined || value === current[key]) continue
    contact[key] = value
    changed.push(key)
  }
  return { contact, changed }
}

function lastConsent(consents: Consent[], channel: Consent['channel']): Consent | undefined {
  return consents.findLast((c) => c.channel === channel)
}

/** Repeated beacons carry the same consent; the ledger keeps a record only when something changes. */
function sameConsent(a: Consent | undefined, b: Omit<Consent, 'at'>): boolean {
  return (
    a !== undefined &&
    a.granted === b.granted &&
    a.text === b.text &&
    a.phone === b.phone &&
    a.email === b.email
  )
}
