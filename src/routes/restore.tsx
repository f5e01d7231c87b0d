import type { Context } from 'hono'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { markClicked } from '../db/messages'
import { shortLinkToken } from '../db/short-links'
import { originAllowedByAnyStore, type Store, storeById } from '../db/stores'
import { cartPolicy } from '../domain/store/settings'
import { toBase64Url } from '../lib/encoding'
import { AppError } from '../lib/errors'
import { type VerifyResult, verifyRestoreToken } from '../lib/restore-token'
import { cartStub, contactStub } from '../objects/stubs'
import { REPLY_STEP } from '../services/conversation/reply-context'
import { NoticePage } from '../ui/pages/notice'
import type { AppEnv } from './env'
import { publicBase, storeRestoreUrl } from './links'
import { tooLarge } from './validation'

export const restore = new Hono<AppEnv>()

type Resolved =
  | { ok: true; store: Store; claims: Extract<VerifyResult, { ok: true }> }
  | { ok: false; status: 400 | 404 | 410; title: string; message: string }

async function resolve(c: Context<AppEnv>, token: string): Promise<Resolved> {
  const claims = await verifyRestoreToken(c.get('config').SIGNING_SECRET, token, Date.now())
  if (!claims.ok) {
    return claims.reason === 'expired'
      ? {
          ok: false,
          status: 410,
          title: 'This link has expired',
          message:
            'Restore links are valid for a limited time. Visit the store to start a new cart.',
        }
      : {
          ok: false,
          status: 400,
          title: 'This link is not valid',
          message:
            'The link may have been copied incompletely. Check the message you received and try again.',
        }
  }
  const store = await storeById(c.env.DB, claims.storeId)
  if (!store)
    return {
      ok: false,
      status: 404,
      title: 'Cart not found',
      message: 'This cart is no longer available.',
    }
  return { ok: true, store, claims }
}

/**
 * Requests per restore token (the link, the items, the rebuild) share one limit, keyed by a
 * hash of the token: a flood of one link never slows another.
 */
async function withinLimit(c: Context<AppEnv>, token: string): Promise<boolean> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))
  const key = `restore:${toBase64Url(new Uint8Array(digest)).slice(0, 32)}`
  return (await c.env.RESTORE_LIMITER.limit({ key })).success
}

/** A link that does not resolve, as the JSON error the script reads. */
function failure(status: 400 | 404 | 410, title: string): AppError {
  return new AppError(status === 410 ? 'GONE' : status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', title)
}

const TOO_MANY = 'Too many requests for this link; try again in a minute.'

// The link: verify and send the shopper to the store. It changes nothing: mail scanners and
// link previewers open every link (GET and HEAD), so the restore is recorded only when the
// storefront script has rebuilt the cart (POST below).
restore.get('/r/:token', async (c) => {
  c.header('Cache-Control', 'no-store')
  const token = c.req.param('token')
  if (!(await withinLimit(c, token))) {
    return c.html(<NoticePage title="Please wait a moment" message={TOO_MANY} />, 429)
  }
  const r = await resolve(c, token)
  if (!r.ok) return c.html(<NoticePage title={r.title} message={r.message} />, r.status)
  const stub = cartStub(c.env.CART, { storeId: r.store.id, cartId: r.claims.cartId })
  if (!(await stub.exists())) {
    return c.html(
      <NoticePage title="Cart not found" message="This cart is no longer available." />,
      404,
    )
  }
  return c.redirect(storeRestoreUrl(r.store, token), 302)
})

// Texts carry short links: /s/<code> stands for the signed restore link of one step.
restore.get('/s/:code', async (c) => {
  c.header('Cache-Control', 'no-store')
  const code = c.req.param('code')
  const target = /^[0-9A-Za-z]{10}$/.test(code) ? await shortLinkToken(c.env.DB, code) : null
  if (!target)
    return c.html(
      <NoticePage
        title="This link is not valid"
        message="Check the message you received and try again."
      />,
      404,
    )
  return c.redirect(`/r/${target}`, 302)
})

// The storefront script asks for the items to rebuild (CORS for the store's origins only).
// Read-only, like the link.
restore.get('/v1/restore/:token', async (c) => {
  c.header('Cache-Control', 'no-store')
  c.header('Vary', 'Origin')
  const origin = c.req.header('origin')
  const token = c.req.param('token')
  if (!(await withinLimit(c, token))) throw new AppError('RATE_LIMITED', TOO_MANY)
  const r = await resolve(c, token)
  if (!r.ok) {
    // A storefront must be able to read why a link failed; a bad token names no store, so any
    // store's origin may read the error (it carries no cart data).
    if (origin && (await originAllowedByAnyStore(c.env.DB, origin))) {
      c.header('Access-Control-Allow-Origin', origin)
    }
    throw failure(r.status, r.title)
  }
  // The items only go to the origins of the store the token names.
  if (origin && r.store.allowedOrigins.includes(origin)) {
    c.header('Access-Control-Allow-Origin', origin)
  }
  const snap = await cartStub(c.env.CART, {
    storeId: r.store.id,
    cartId: r.claims.cartId,
  }).snapshot()
  if (!snap) throw new AppError('NOT_FOUND', 'This cart is no longer available.')
  const { state } = snap
  let coupon = state.runs.find((run) => run.id === r.claims.step)?.coupon
  // A reply's link: the code the SMS assistant offered on this cart, kept by the phone's contact.
  if (!coupon && r.claims.step === REPLY_STEP && state.contact.phone) {
    const ref = { storeId: r.store.id, channel: 'sms' as const, address: state.contact.phone }
    coupon = (await contactStub(c.env.CONTACT, ref).incentiveFor(state.cartId)) ?? undefined
  }
  // Items and the coupon only: a restore never hands personal data to whoever holds the link.
  return c.json({
    store: r.store.id,
    cart: state.cartId,
    step: r.claims.step,
    status: state.status,
    currency: state.currency,
    total: state.total,
    items: state.items,
    // The coupon this step's message carried, for the storefront to apply.
    incentive: coupon ? { code: coupon } : null,
  })
})

// Preflight for a rebuild report sent as application/json (the script sends text/plain, which
// needs none): any store's origin; the POST itself checks the token's store.
restore.options(
  '/v1/restore/:token',
  cors({
    origin: async (origin, c) =>
      origin && (await originAllowedByAnyStore(c.env.DB, origin)) ? origin : null,
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Content-Type'],
    maxAge: 86_400,
  }),
)

// The storefront script, on the store's page, has rebuilt the cart: this is the restore. A
// link scanner follows GETs; it does not run the store's page and post from its origin.
// Recorded once per link and abandonment episode; repeats are counted and change nothing else.
restore.post('/v1/restore/:token', bodyLimit(tooLarge(1024)), async (c) => {
  c.header('Cache-Control', 'no-store')
  c.header('Vary', 'Origin')
  const token = c.req.param('token')
  if (!(await withinLimit(c, token))) throw new AppError('RATE_LIMITED', TOO_MANY)
  const r = await resolve(c, token)
  if (!r.ok) throw failure(r.status, r.title)
  const origin = c.req.header('origin')
  if (!origin || !r.store.allowedOrigins.includes(origin)) {
    throw new AppError('FORBIDDEN', "A restore is reported by the store's own pages only.")
  }
  c.header('Access-Control-Allow-Origin', origin)
  const done = await cartStub(c.env.CART, {
    storeId: r.store.id,
    cartId: r.claims.cartId,
  }).recordRestore(r.claims.step, cartPolicy(r.store, publicBase(c)))
  if (!done) throw new AppError('NOT_FOUND', 'This cart is no longer available.')
  // The step's message was clicked: its link rebuilt the cart (the provider's own click
  // tracking is not used, since mail scanners click too).
  const sent = done.recorded && done.state.runs.find((run) => run.id === r.claims.step)?.messageId
  if (sent) await markClicked(c.env.DB, sent, Date.now())
  return c.json({ ok: true, recorded: done.recorded, status: done.state.status })
})
