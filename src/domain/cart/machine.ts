import type { ContactFacts } from '../sequence/policy'
import type { CartPolicy } from '../store/settings'
import {
  attribute,
  cancelRuns,
  factsFromCart,
  followSequence,
  nextRunAt,
  noteClick,
  processDue,
  settleRun,
  startRuns,
} from './runs'
import { STATE_VERSION } from './schema'
import type {
  Beacon,
  CartEvent,
  CartState,
  CartStatus,
  Consent,
  Contact,
  Effect,
  JournalEntry,
  MerchantAction,
  OrderReport,
  Refusal,
  Transition,
} from './types'

const SECOND = 1000
/** Distinct restore links one episode records; links are signed per step, so never reached. */
const MAX_RESTORES = 32

/** A cart that has just been seen for the first time. */
export function newCart(
  storeId: string,
  cartId: string,
  currency: string,
  now: number,
  revision = 0,
): CartState {
  return {
    version: STATE_VERSION,
    storeId,
    cartId,
    revision,
    status: 'active',
    currency,
    items: [],
    total: 0,
    contact: {},
    consents: [],
    page: null,
    createdAt: now,
    updatedAt: now,
    lastActivityAt: now,
    abandonedAt: null,
    restoredAt: null,
    recoveredAt: null,
    convertedAt: null,
    lostAt: null,
    abandonCount: 0,
    heldFrom: null,
    order: null,
    runs: [],
    attribution: null,
    supersededBy: null,
    restores: [],
  }
}

/** The times at which the cart must change by itself, if any. */
export function deadlines(s: CartState, policy: CartPolicy) {
  const waiting = s.status === 'active' || s.status === 'restored'
  const abandon =
    waiting && s.items.length > 0 ? s.lastActivityAt + policy.inactivitySeconds * SECOND : null
  const lost =
    (s.status === 'abandoned' || s.status === 'restored') && s.abandonedAt !== null
      ? attributionEnd(s, policy)
      : null
  return { abandon, lost }
}

/** The earliest moment the cart's alarm must fire, or null when nothing is pending. */
export function wakeAt(s: CartState, policy: CartPolicy): number | null {
  const { abandon, lost } = deadlines(s, policy)
  const times = [abandon, lost, nextRunAt(s)].filter((t): t is number => t !== null)
  return times.length === 0 ? null : Math.min(...times)
}

/** Orders placed until this time count as recovered: the window restarts at a restore. */
function attributionEnd(s: CartState, policy: CartPolicy): number {
  const from = Math.max(s.abandonedAt ?? 0, s.restoredAt ?? 0)
  return from + policy.attributionWindowSeconds * SECOND
}

/** Revenue the cart counts as recovered: the order's net paid amount, once recovered. */
export function recoveredRevenue(s: CartState): number {
  if (s.recoveredAt === null || !s.order?.paid) return 0
  return Math.max(0, s.order.total - s.order.refunded)
}

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
  switch (event.type) {
    case 'beacon.received':
      return onBeacon(state, event.beacon, now, policy)
    case 'timer.fired':
      return onTimer(state, now, policy, event.contact)
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
      return finish(
        state,
        state,
        [{ ...event.detail, at: now, type: `sms.${event.keyword}`, source: 'shopper' }],
        now,
        policy,
      )
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
      return finish(
        state,
        state,
        [
          {
            at: now,
            type: 'contact.unsubscribed',
            source: 'shopper',
            channel: event.channel,
            via: event.source,
          },
        ],
        now,
        policy,
      )
    case 'message.event':
      // Delivery, opens, bounces: the timeline keeps them; the message row has the state. Never
      // a click: provider click tracking counts mail scanners; only a restore marks a step clicked.
      return finish(
        state,
        state,
        [
          {
            at: event.at,
            type: `message.${event.event}`,
            source: 'webhook',
            messageId: event.messageId,
            step: event.step,
          },
        ],
        now,
        policy,
      )
    case 'message.recorded':
      // The cart's story names every message sent for it, in the sequence's own terms.
      return finish(
        state,
        state,
        [
          {
            at: event.at,
            type: `message.${event.outcome}`,
            source: 'storefront',
            step: event.step,
            channel: event.channel,
            messageId: event.messageId,
            reason: event.reason,
          },
        ],
        now,
        policy,
      )
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

function finish(
  before: CartState,
  after: CartState,
  journal: JournalEntry[],
  now: number,
  policy: CartPolicy,
  refused?: Refusal,
  effects: Effect[] = [],
): Transition {
  const kept = keepSequence(after, now, policy)
  const changed = kept.state !== before
  const state = changed ? { ...kept.state, revision: before.revision + 1, updatedAt: now } : before
  const t: Transition = {
    state,
    effects: changed ? [{ type: 'publish_report' }, ...effects] : effects,
    wakeAt: wakeAt(state, policy),
    journal: [...journal, ...kept.journal],
  }
  if (refused) t.refused = refused
  return t
}

function onBeacon(s: CartState, b: Beacon, now: number, policy: CartPolicy): Transition {
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
    // A lost cart that comes back starts a new episode: its next abandonment counts afresh.
    n = { ...n, abandonedAt: null, restoredAt: null, lostAt: null, restores: [] }
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

/**
 * Keeps the sequence in step with the cart, whatever the event: a first abandonment starts it;
 * an order, a hold, an emptied cart or the end of the window stops what is left; a new episode
 * clears it.
 */
function keepSequence(s: CartState, now: number, policy: CartPolicy) {
  if (s.abandonedAt === null) {
    return { state: s.runs.length > 0 ? { ...s, runs: [] } : s, journal: [] as JournalEntry[] }
  }
  if (
    s.status === 'abandoned' &&
    s.runs.length === 0 &&
    policy.sequence.length > 0 &&
    s.supersededBy === null &&
    !orderStands(s)
  ) {
    const runs = startRuns(s, policy)
    const entry: JournalEntry = {
      at: now,
      type: 'sequence.started',
      source: 'timer',
      steps: runs.map((r) => r.id),
    }
    return { state: { ...s, runs }, journal: [entry] }
  }
  const reason =
    s.recoveredAt !== null || s.convertedAt !== null || orderStands(s)
      ? 'ordered'
      : s.supersededBy !== null
        ? 'superseded'
        : s.status === 'archived' || s.status === 'ignored' || s.status === 'lost'
          ? s.status
          : s.items.length === 0
            ? 'emptied'
            : null
  if (reason === null) {
    // Settings reach carts in flight: the steps to come follow the sequence as it is now.
    const followed = followSequence(s, policy, now)
    return { state: followed.state, journal: followed.journal }
  }
  const stopped = cancelRuns(s, reason, now)
  return { state: stopped.state, journal: stopped.journal }
}

/**
 * An order that stands, paid or not yet (pending, on hold): reminders would be noise. A failed,
 * cancelled or refunded one does not stop anything.
 */
function orderStands(s: CartState): boolean {
  return s.order !== null && !['failed', 'cancelled', 'refunded', 'trash'].includes(s.order.status)
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

function onTimer(
  s: CartState,
  now: number,
  policy: CartPolicy,
  contact: Partial<ContactFacts> = {},
): Transition {
  // Alarms are at-least-once and may fire early or late: recompute what is due from the
  // state, never trust the alarm itself. A late alarm may owe several steps at once.
  const journal: JournalEntry[] = []
  let n = s
  for (let i = 0; i < 3; i++) {
    const { abandon, lost } = deadlines(n, policy)
    if (abandon !== null && abandon <= now && (lost === null || abandon <= lost)) {
      // A restored cart left again keeps its first abandonment: attribution counts from it.
      n = {
        ...n,
        status: 'abandoned',
        abandonedAt: n.abandonedAt ?? abandon,
        abandonCount: n.abandonCount + 1,
      }
      journal.push({
        at: abandon,
        type: 'cart.abandoned',
        source: 'timer',
        inactivitySeconds: policy.inactivitySeconds,
      })
    } else if (lost !== null && lost <= now) {
      n = { ...n, status: 'lost', lostAt: lost }
      journal.push({ at: lost, type: 'cart.lost', source: 'timer' })
    } else break
  }
  // Start the sequence if this wake abandoned the cart, then run what is due.
  const started = keepSequence(n, now, policy)
  const facts = { ...factsFromCart(started.state, policy), ...contact }
  const due = processDue(started.state, now, policy, facts)
  return finish(
    s,
    due.state,
    [...journal, ...started.journal, ...due.journal],
    now,
    policy,
    undefined,
    due.effects,
  )
}

function onRestoreRebuilt(
  s: CartState,
  step: string | null,
  now: number,
  policy: CartPolicy,
): Transition {
  const seen = s.restores.find((r) => r.step === step)
  if (seen || s.restores.length >= MAX_RESTORES) {
    // The same link rebuilt again (a refresh, another device, a scanner that runs scripts):
    // counted, nothing else. No revision either: reports and retention have nothing new.
    const restores = s.restores.map((r) => (r === seen ? { ...r, repeats: r.repeats + 1 } : r))
    const state = seen ? { ...s, restores } : s
    return { state, effects: [], wakeAt: wakeAt(state, policy), journal: [] }
  }
  const clicked: CartState = {
    ...noteClick(s, step, now),
    restores: [...s.restores, { step, at: now, repeats: 0 }],
  }
  const restorable =
    s.abandonedAt !== null &&
    (s.status === 'abandoned' ||
      s.status === 'lost' ||
      s.status === 'restored' ||
      s.status === 'active')
  if (!restorable) {
    const entry: JournalEntry = { at: now, type: 'restore.rebuilt', source: 'shopper', step }
    return finish(s, clicked, [entry], now, policy)
  }
  const n: CartState = {
    ...clicked,
    status: 'restored',
    restoredAt: now,
    lastActivityAt: now,
    lostAt: null,
  }
  const entry: JournalEntry = { at: now, type: 'cart.restored', source: 'shopper', step }
  return finish(s, n, [entry], now, policy)
}

/**
 * Whether the cart takes order `orderId` (else `order.reported` refuses it): it holds no order,
 * this same one, an unpaid one, or one the merchant marked by hand.
 */
export function takesOrder(s: CartState, orderId: string): boolean {
  const prev = s.order
  return !prev || prev.id === orderId || !prev.paid || prev.source === 'merchant'
}

function onOrder(s: CartState, r: OrderReport, now: number, policy: CartPolicy): Transition {
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
function onOrderMoved(
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
  if (s.abandonedAt === null) return false
  // Order times have whole-second precision (WooCommerce's date_*_gmt), so compare in seconds.
  const abandonedSecond = s.abandonedAt - (s.abandonedAt % 1000)
  return placedAt >= abandonedSecond && placedAt <= attributionEnd(s, policy)
}

function onMerchant(
  s: CartState,
  action: MerchantAction,
  now: number,
  policy: CartPolicy,
): Transition {
  const refuse = (message: string) =>
    finish(s, s, [], now, policy, { code: 'CONFLICT', message } satisfies Refusal)
  const entry = (type: string): JournalEntry => ({ at: now, type, source: 'merchant' })
  switch (action) {
    case 'archive':
      if (s.status === 'archived') return refuse('The cart is already archived.')
      return finish(
        s,
        { ...s, status: 'archived', heldFrom: s.status },
        [entry('cart.archived')],
        now,
        policy,
      )
    case 'ignore':
      if (s.status === 'ignored') return refuse('The cart is already ignored.')
      return finish(
        s,
        { ...s, status: 'ignored', heldFrom: s.status },
        [entry('cart.ignored')],
        now,
        policy,
      )
    case 'unignore':
      if (s.status !== 'ignored') return refuse('Only an ignored cart can be unignored.')
      return finish(
        s,
        { ...s, status: s.heldFrom ?? 'active', heldFrom: null },
        [entry('cart.unignored')],
        now,
        policy,
      )
    case 'mark_recovered': {
      if (s.recoveredAt !== null) return refuse('The cart is already recovered.')
      if (s.convertedAt !== null) return refuse('The cart was ordered without being recovered.')
      if (s.abandonedAt === null)
        return refuse('A cart that was never abandoned cannot be recovered.')
      const order = s.order ?? {
        id: `manual-${s.cartId}`,
        status: 'manual',
        paid: true,
        total: s.total,
        refunded: 0,
        currency: s.currency,
        source: 'merchant' as const,
        placedAt: now,
        modifiedAt: null,
        updatedAt: now,
        statusBefore: s.status,
      }
      const n: CartState = {
        ...s,
        status: 'recovered',
        recoveredAt: now,
        attribution: attribute(s, now, policy),
        heldFrom: null,
        order: { ...order, paid: true, statusBefore: s.status },
      }
      return finish(
        s,
        n,
        [{ ...entry('cart.recovered'), revenue: order.total - order.refunded }],
        now,
        policy,
      )
    }
    default:
      return assertNever(action)
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled: ${JSON.stringify(x)}`)
}
