import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { originAllowedByAnyStore, type Store, storeByPublishableKey } from '../db/stores'
import type { ContactLink } from '../domain/cart/contact-link'
import type { Beacon } from '../domain/cart/types'
import { type ContactPolicy, cartPolicy, contactPolicy } from '../domain/store/settings'
import { normalizeEmail, normalizePhone } from '../lib/contact'
import { AppError } from '../lib/errors'
import { cartStub, contactStub } from '../objects/stubs'
import type { AppEnv } from './env'
import { publicBase } from './links'
import { type BeaconBody, BeaconSchema } from './schemas/beacon'
import { parseJsonText, parseOrThrow, tooLarge } from './validation'

export const BEACON_MAX_BYTES = 32 * 1024

export const events = new Hono<AppEnv>()

// Preflight carries no body, so no store key: allow an origin that some store allows. The
// POST itself is then checked against the store its key names.
events.options(
  '/events',
  cors({
    origin: async (origin, c) =>
      origin && (await originAllowedByAnyStore(c.env.DB, origin)) ? origin : null,
    allowMethods: ['POST', 'OPTIONS'],
    allowHeaders: ['Content-Type'],
    maxAge: 86_400,
  }),
)

events.post('/events', bodyLimit(tooLarge(BEACON_MAX_BYTES)), async (c) => {
  const type = c.req.header('content-type') ?? ''
  if (!/^(application\/json|text\/plain)\b/i.test(type)) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the event as application/json or text/plain.',
    )
  }
  const body = parseOrThrow(BeaconSchema, parseJsonText(await c.req.text()), 'event')
  // Per store key and client, before the key is looked up: one store's flood (or a busy shared
  // address) never spends another store's budget. See docs/design/limits.md.
  const ip = c.req.header('cf-connecting-ip') ?? 'unknown'
  if (!c.get('config').BENCH_MODE.has('no-rate-limit')) {
    const { success } = await c.env.BEACON_LIMITER.limit({ key: `${body.store}:${ip}` })
    if (!success) throw new AppError('RATE_LIMITED', 'Too many events; slow down.')
  }
  const store = await storeByPublishableKey(c.env.DB, body.store)
  if (!store) throw new AppError('UNAUTHORIZED', 'Unknown store key.')
  const origin = c.req.header('origin')
  if (!origin || !store.allowedOrigins.includes(origin)) {
    throw new AppError('FORBIDDEN', 'This origin is not allowed for this store.')
  }
  c.header('Access-Control-Allow-Origin', origin)
  c.header('Vary', 'Origin')
  // Browsers with Global Privacy Control send Sec-GPC on every request: a store that honours it
  // keeps nothing, whatever the page's script did.
  if (store.settings.storefront.respectGpc && c.req.header('sec-gpc') === '1') {
    return c.json({ ok: true, ignored: 'gpc' }, 202)
  }
  const beacon = toBeacon(body, store, { ip, userAgent: c.req.header('user-agent') })
  const { state, links } = await cartStub(c.env.CART, {
    storeId: store.id,
    cartId: body.cart,
  }).ingest(
    { storeId: store.id, cartId: body.cart },
    beacon,
    cartPolicy(store, publicBase(c)),
    store.currency,
  )
  if (state && links.length > 0) {
    const policy = contactPolicy(store, publicBase(c))
    // The email's and the phone's objects are independent: asked at the same time.
    await Promise.all(links.map((l) => linkContact(c.env, store.id, state.cartId, l, policy)))
  }
  return c.json({ ok: true }, 202)
})

/**
 * Hands what concerns the person to one contact object: consent evidence goes to the ledger
 * (which may ask for YES), and, when the address is new to the cart, the cart becomes the
 * contact's active one, stopping the sequence of the cart it replaces.
 */
async function linkContact(
  env: Env,
  storeId: string,
  cartId: string,
  link: ContactLink,
  policy: ContactPolicy,
) {
  const ref = { storeId, channel: link.channel, address: link.address }
  const contact = contactStub(env.CONTACT, ref)
  for (const c of link.consents) {
    const { optInRequest } = await contact.recordConsent(
      ref,
      {
        granted: c.granted,
        text: c.text,
        at: Date.now(),
        ip: c.ip ?? null,
        userAgent: c.userAgent ?? null,
        page: c.page ?? null,
        cartId,
        source: 'storefront',
      },
      policy,
    )
    // The opt-in request is part of the story of the cart that asked for it.
    if (optInRequest) {
      await cartStub(env.CART, { storeId, cartId }).noteMessage({ ...optInRequest, channel: 'sms' })
    }
  }
  if (!link.register) return
  const previous = await contact.registerCart(ref, cartId)
  if (previous) await cartStub(env.CART, { storeId, cartId: previous }).supersede(cartId)
}

/** Normalises contact details; invalid ones are dropped and noted, never an error. */
function toBeacon(b: BeaconBody, store: Store, client: { ip: string; userAgent?: string }): Beacon {
  const beacon: Beacon = { kind: b.type }
  if (b.items) beacon.items = b.items
  if (b.currency) beacon.currency = b.currency
  if (b.total !== undefined) beacon.total = b.total
  if (b.page) beacon.page = b.page
  if (b.order) beacon.order = b.order
  if (b.contact) {
    const { email, phone, ...rest } = b.contact
    const contact: Beacon['contact'] = {}
    for (const [k, v] of Object.entries(rest)) if (v) contact[k as keyof typeof rest] = v
    const invalid: ('email' | 'phone')[] = []
    if (email?.trim()) {
      const normal = normalizeEmail(email)
      if (normal) contact.email = normal
      else invalid.push('email')
    }
    if (phone?.trim()) {
      const normal = normalizePhone(phone, store.settings.defaultCountry)
      if (normal) contact.phone = normal
      else invalid.push('phone')
    }
    beacon.contact = contact
    if (invalid.length > 0) beacon.invalid = invalid
  }
  if (b.consent) {
    const evidence = {
      text: b.consent.text,
      ip: client.ip,
      ...(client.userAgent ? { userAgent: client.userAgent.slice(0, 512) } : {}),
      ...(b.page ? { page: b.page } : {}),
    }
    // Each answer names the address it was given for, as the beacon carried it.
    const { phone, email } = beacon.contact ?? {}
    const answers = [
      { channel: 'sms' as const, granted: b.consent.sms, address: phone ? { phone } : {} },
      { channel: 'email' as const, granted: b.consent.email, address: email ? { email } : {} },
    ]
    beacon.consents = answers.flatMap(({ channel, granted, address }) =>
      granted === undefined ? [] : [{ channel, granted, ...evidence, ...address }],
    )
  }
  return beacon
}
