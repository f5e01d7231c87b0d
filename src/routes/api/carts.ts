import type { Context } from 'hono'
import { Hono } from 'hono'
import { z } from 'zod'
import { eraseCartRows } from '../../db/projection'
import { type CartCursor, listCarts, listMessages } from '../../db/queries'
import { storeById } from '../../db/stores'
import { CART_STATUSES } from '../../domain/cart/schema'
import { cartPolicy, contactPolicy } from '../../domain/store/settings'
import { normalizeEmail, normalizePhone } from '../../lib/contact'
import { fromBase64Url, toBase64Url, utf8 } from '../../lib/encoding'
import { AppError } from '../../lib/errors'
import { cartStub } from '../../objects/cart-object'
import { contactStub } from '../../objects/contact-object'
import type { AppEnv } from '../env'
import { publicBase, restoreLink } from '../links'
import { CartIdSchema } from '../schemas/beacon'
import { jsonBody, parseOrThrow, queryOf } from '../validation'
import { scopeOf } from './scope'
import { detailOf, summaryOf } from './views'

export const carts = new Hono<AppEnv>()

const ListQuery = z.object({
  store: z.string().max(64).optional(),
  status: z.enum(CART_STATUSES).optional(),
  q: z.string().trim().min(1).max(320).optional(),
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  channel: z.enum(['email', 'sms']).optional(),
  hasContact: z.enum(['true', 'false']).optional(),
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

const Cursor = z.object({ u: z.number().int(), s: z.string(), c: z.string() })

function decodeCursor(text: string): CartCursor {
  const bytes = fromBase64Url(text)
  let value: unknown = null
  try {
    value = bytes ? JSON.parse(new TextDecoder().decode(bytes)) : null
  } catch {}
  const parsed = Cursor.safeParse(value)
  if (!parsed.success) throw new AppError('BAD_REQUEST', 'Invalid cursor.')
  return { updatedAt: parsed.data.u, storeId: parsed.data.s, cartId: parsed.data.c }
}

function encodeCursor(c: CartCursor): string {
  return toBase64Url(utf8.encode(JSON.stringify({ u: c.updatedAt, s: c.storeId, c: c.cartId })))
}

carts.get('/', async (c) => {
  const q = queryOf(c, ListQuery)
  const store = await scopeOf(c, q.store)
  // Phones typed without a country code read in the store's region when one store is named.
  const region = store?.settings.defaultCountry ?? 'US'
  let search: { email?: string; phone?: string; id?: string } | undefined
  if (q.q) {
    const email = q.q.includes('@') ? normalizeEmail(q.q) : null
    const phone = /^[+\d][\d\s().-]{5,}$/.test(q.q) ? normalizePhone(q.q, region) : null
    search = email ? { email } : phone ? { phone } : { id: q.q }
  }
  const page = await listCarts(c.env.DB, {
    storeIds: store ? [store.id] : null,
    ...(q.status ? { status: q.status } : {}),
    ...(q.from ? { from: Date.parse(q.from) } : {}),
    ...(q.to ? { to: Date.parse(q.to) } : {}),
    ...(q.channel ? { channel: q.channel } : {}),
    ...(q.hasContact ? { hasContact: q.hasContact === 'true' } : {}),
    ...(search ? { search } : {}),
    ...(q.cursor ? { cursor: decodeCursor(q.cursor) } : {}),
    limit: q.limit,
  })
  return c.json({ carts: page.carts, nextCursor: page.next ? encodeCursor(page.next) : null })
})

async function resolveCart(c: Context<AppEnv>) {
  const store = await storeById(c.env.DB, c.req.param('storeId') ?? '')
  if (!store) throw new AppError('NOT_FOUND', 'No such store.')
  const cartId = parseOrThrow(CartIdSchema, c.req.param('cartId'), 'cart id')
  return { store, cartId, stub: cartStub(c.env.CART, { storeId: store.id, cartId }) }
}

carts.get('/:storeId/:cartId', async (c) => {
  const { store, cartId, stub } = await resolveCart(c)
  const snap = await stub.snapshot()
  if (!snap) throw new AppError('NOT_FOUND', 'No such cart.')
  const sent = await listMessages(c.env.DB, { storeIds: [store.id], cartId, limit: 200 })
  const phone = snap.state.contact.phone
  const conversation = phone
    ? await contactStub(c.env.CONTACT, smsRef(store.id, phone)).conversation(cartId)
    : null
  return c.json(
    detailOf(snap.state, snap.journal, await restoreLink(c, store, cartId), sent, conversation),
  )
})

const smsRef = (storeId: string, address: string) => ({
  storeId,
  channel: 'sms' as const,
  address,
})

const Action = z
  .object({
    action: z.enum(['archive', 'ignore', 'unignore', 'delete', 'mark_recovered', 'resume_ai']),
  })
  .strict()

/** The phone's contact object of a cart that has one; 409 otherwise. */
async function phoneOf(c: Context<AppEnv>) {
  const { store, cartId, stub } = await resolveCart(c)
  const snap = await stub.snapshot()
  if (!snap) throw new AppError('NOT_FOUND', 'No such cart.')
  const phone = snap.state.contact.phone
  if (!phone) throw new AppError('CONFLICT', 'This cart has no phone number.')
  const ref = smsRef(store.id, phone)
  return { store, cartId, ref, contact: contactStub(c.env.CONTACT, ref) }
}

// The merchant answers the shopper by hand: sent as a text, kept in the thread as `merchant`.
carts.post('/:storeId/:cartId/reply', async (c) => {
  const { text } = await jsonBody(
    c,
    z.object({ text: z.string().trim().min(1).max(1000) }).strict(),
  )
  const { store, cartId, ref, contact } = await phoneOf(c)
  const result = await contact.merchantReply(ref, cartId, text, contactPolicy(store, publicBase(c)))
  if (!result.sent) {
    throw result.reason === 'suppressed'
      ? new AppError('CONFLICT', 'This number opted out of texts.')
      : new AppError('PROVIDER_UNAVAILABLE', 'The text could not be sent; try again.')
  }
  return c.json({ ok: true, cartId, conversation: await contact.conversation(cartId) })
})

carts.post('/:storeId/:cartId/actions', async (c) => {
  const { action } = await jsonBody(c, Action)
  if (action === 'resume_ai') {
    const { cartId, contact } = await phoneOf(c)
    await contact.resumeAi()
    return c.json({ ok: true, cartId, conversation: await contact.conversation(cartId) })
  }
  const { store, cartId, stub } = await resolveCart(c)
  if (action === 'delete') {
    // The SMS thread of this cart goes with it (the consent ledger stays: it is kept 4 years).
    const phone = (await stub.snapshot())?.state.contact.phone
    if (phone) await contactStub(c.env.CONTACT, smsRef(store.id, phone)).forgetCart(cartId)
    const erased = await stub.erase()
    if (!erased) throw new AppError('NOT_FOUND', 'No such cart.')
    await eraseCartRows(c.env.DB, store.id, cartId, erased.revision)
    return c.json({ ok: true, deleted: true, storeId: store.id, cartId })
  }
  const result = await stub.act(action, cartPolicy(store, publicBase(c)))
  if (!result) throw new AppError('NOT_FOUND', 'No such cart.')
  if (result.refused) throw new AppError(result.refused.code, result.refused.message)
  return c.json(summaryOf(result.state))
})
