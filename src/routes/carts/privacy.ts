import { type Person, personCarts, personMessages } from '../../db/privacy'
import { eraseCartRows } from '../../db/projection'
import type { Store } from '../../db/stores'
import { endpointRoutes } from '../../db/webhooks'
import { iso } from '../../lib/time'
import { cartStub, contactStub, webhookStub } from '../../objects/stubs'
import { deleteCart } from './ops'

// A person's data in one store (issue 13): what the WordPress privacy tools export and erase.
// Everything of the address named; of another phone found on the person's carts (a request by
// email), only what belongs to those carts. See docs/design/privacy-requests.md.

/** Why the consent evidence outlives an erasure; the export and the erasure say it. */
export const CONSENT_KEPT =
  'Records of consent to texts and emails (what was shown, when, from where) are kept for 4 years ' +
  'as proof of consent, which the law asks for; they hold no cart or conversation.'

const refOf = (storeId: string, p: Person) =>
  'email' in p
    ? { storeId, channel: 'email' as const, address: p.email }
    : { storeId, channel: 'sms' as const, address: p.phone }

const smsRef = (storeId: string, phone: string) => ({
  storeId,
  channel: 'sms' as const,
  address: phone,
})

/** The cart as the person would read it: what was in it, how it went, no internal state. */
async function cartOf(env: Env, storeId: string, cartId: string) {
  const s = (await cartStub(env.CART, { storeId, cartId }).snapshot())?.state
  if (!s) return null
  const at = (ms: number | null) => (ms === null ? null : iso(ms))
  return {
    cartId,
    status: s.status,
    currency: s.currency,
    total: s.total,
    items: s.items,
    contact: s.contact,
    page: s.page,
    consent: s.consents.map((c) => ({ ...c, at: iso(c.at) })),
    createdAt: iso(s.createdAt),
    lastActivityAt: iso(s.lastActivityAt),
    abandonedAt: at(s.abandonedAt),
    recoveredAt: at(s.recoveredAt),
    order: s.order
      ? { id: s.order.id, status: s.order.status, total: s.order.total, currency: s.order.currency }
      : null,
  }
}

/**
 * A page of everything the store holds of the person, times as ISO text: up to 50 carts after
 * `cursor` (the last cart id of the previous page) with their messages and their part of other
 * phones' threads and ledgers. The named address's own thread and ledger are not per cart: they
 * come with the first page only. `nextCursor` is null on the last page.
 */
export async function exportPerson(env: Env, store: Store, person: Person, cursor?: string) {
  const first = cursor === undefined
  const { carts: found, more } = await personCarts(env.DB, store.id, person, cursor)
  const ids = found.map((c) => c.cartId)
  const carts = (await Promise.all(ids.map((id) => cartOf(env, store.id, id)))).filter(Boolean)
  const named = contactStub(env.CONTACT, refOf(store.id, person))
  const conversation: { cartId: string | null; at: string; author: string; text: string }[] = []
  const turn = (cartId: string | null) => (t: { at: number; author: string; text: string }) =>
    conversation.push({ cartId, at: iso(t.at), author: t.author, text: t.text })
  if (first && 'phone' in person) (await named.conversation(null)).turns.forEach(turn(null))
  for (const c of found) {
    if (!c.phone || ('phone' in person && c.phone === person.phone)) continue
    const other = contactStub(env.CONTACT, smsRef(store.id, c.phone))
    ;(await other.conversation(c.cartId)).turns.forEach(turn(c.cartId))
  }
  // The named ledger is not per cart: the first page has it all.
  const consent = (await named.ledger()).filter(() => first)
  for (const phone of new Set(found.map((c) => c.phone))) {
    if (!phone || ('phone' in person && phone === person.phone)) continue
    const theirs = await contactStub(env.CONTACT, smsRef(store.id, phone)).ledger()
    consent.push(...theirs.filter((r) => ids.includes(r.cartId)))
  }
  return {
    person,
    carts,
    messages: await personMessages(env.DB, store.id, ids),
    conversation: conversation.sort((a, b) => a.at.localeCompare(b.at)),
    consent: consent.sort((a, b) => a.at - b.at).map((r) => ({ ...r, at: iso(r.at) })),
    kept: { consent: CONSENT_KEPT },
    nextCursor: more ? (ids.at(-1) ?? null) : null,
  }
}

/**
 * Erases up to 50 of the person's carts (each as the merchant's delete does: object, D1 rows, its
 * thread), the named contact's conversation and held state; keeps the consent ledger. `done` is
 * false while carts remain: call again to go on (an erased cart leaves D1, so the next call
 * starts with the rest). Idempotent: a call after `done` finds nothing and answers zeros.
 */
export async function erasePerson(env: Env, store: Store, person: Person) {
  const { carts: found, more } = await personCarts(env.DB, store.id, person)
  const ids = found.map((c) => c.cartId)
  const messages = (await personMessages(env.DB, store.id, ids)).length
  // First the named contact (its whole thread is counted once), then each cart.
  const named = await contactStub(env.CONTACT, refOf(store.id, person)).forgetPerson()
  let conversation = named.conversation
  // Kept is what the export shows as the person's consent: the named ledger, and the records of
  // another phone given on the person's carts (they stay too, so the erasure must say so).
  let kept = named.consent
  let carts = 0
  for (const c of found) {
    if (c.phone && !('phone' in person && c.phone === person.phone)) {
      const other = contactStub(env.CONTACT, smsRef(store.id, c.phone))
      conversation += (await other.conversation(c.cartId)).turns.length
      kept += (await other.ledger()).filter((r) => r.cartId === c.cartId).length
    }
    const outcome = await deleteCart(env, store, c.cartId)
    // A row whose object holds nothing (erased before its report landed) still goes.
    if (outcome === 'missing') await eraseCartRows(env.DB, store.id, c.cartId, c.revision)
    if (outcome !== 'kept') carts++
  }
  // The events held for the store's webhook endpoints that name the person or their carts.
  const needles = ['email' in person ? person.email : person.phone, ...ids]
  let webhookEvents = 0
  for (const r of await endpointRoutes(env.DB, store.id))
    webhookEvents += (await webhookStub(env.WEBHOOK, r.id).forgetPerson(needles)).events
  return {
    erased: { carts, messages, conversation, webhookEvents },
    kept: { consent: kept, reason: CONSENT_KEPT },
    done: !more,
  }
}
