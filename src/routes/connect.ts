import { zValidator } from '@hono/zod-validator'
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import { claimWcKey, connectPlugin, liveConnectCode, pluginConnection } from '../db/connect'
import {
  forgetCachedStore,
  type Store,
  sealWoocommerceKeys,
  storeById,
  updateStore,
} from '../db/stores'
import { disclosure } from '../domain/store/storefront'
import { signConnectState, verifyConnectState } from '../lib/connect-state'
import { AppError } from '../lib/errors'
import { currencyCode, httpUrl } from '../lib/schemas'
import type { AppEnv } from './env'
import { publicBase } from './links'
import { invalid, jsonOnly, tooLarge } from './validation'

/**
 * The WordPress plugin's side of connecting (issue 13, docs/design/wordpress-connect.md): the
 * exchange of a one-time code for the store's keys, and WooCommerce's app-authorization callback.
 * Neither takes a bearer token: the code, and then the signed state, are the credentials.
 */
export const connect = new Hono<AppEnv>()

const CONNECT_MAX_BYTES = 8 * 1024
/** How long WooCommerce's authorization screen may take to post the keys back. */
const STATE_TTL_SECONDS = 3600
const NO_CODE = 'This connect code is unknown, used or expired. Issue a new one in Settings.'

const ConnectBody = z.object({
  code: z.string().trim().min(1).max(100),
  siteUrl: httpUrl,
  currency: currencyCode,
  restRoot: httpUrl,
  pluginVersion: z.string().trim().min(1).max(40),
})

/**
 * Per client address, before the body is read: a code is a password for ten minutes, so guesses
 * share the login limiter's small budget (wrangler.jsonc, docs/design/limits.md).
 */
const limited: MiddlewareHandler<AppEnv> = async (c, next) => {
  const ip = c.req.header('cf-connecting-ip') ?? 'unknown'
  const { success } = await c.env.LOGIN_LIMITER.limit({ key: `connect:${ip}` })
  if (!success) throw new AppError('RATE_LIMITED', 'Too many connect attempts; wait a minute.')
  await next()
}

connect.post(
  '/connect',
  limited,
  bodyLimit(tooLarge(CONNECT_MAX_BYTES)),
  jsonOnly,
  zValidator('json', ConnectBody, invalid),
  async (c) => {
    const body = c.req.valid('json')
    const claim = await liveConnectCode(c.env.DB, body.code)
    const store = claim ? await storeById(c.env.DB, claim.storeId) : null
    if (!claim || !store) throw new AppError('NOT_FOUND', NO_CODE)
    const token = await connectPlugin(c.env.DB, claim, {
      siteUrl: body.siteUrl,
      restRoot: body.restRoot,
      pluginVersion: body.pluginVersion,
      currency: body.currency,
    })
    // Used by a concurrent exchange since the read above: that one connected, this one did not.
    if (!token) throw new AppError('NOT_FOUND', NO_CODE)
    // connectPlugin wrote the allowed origins itself; this isolate must not serve the old list.
    forgetCachedStore(store)
    return c.json(await connectResponse(c, store, token))
  },
)

async function connectResponse(
  c: Context<AppEnv>,
  store: Store,
  token: { id: string; token: string },
) {
  const base = publicBase(c)
  const state = await signConnectState(c.get('config').SIGNING_SECRET, {
    storeId: store.id,
    tokenId: token.id,
    exp: Math.floor(Date.now() / 1000) + STATE_TTL_SECONDS,
  })
  return {
    storeId: store.id,
    storeName: store.name,
    publishableKey: store.publishableKey,
    webhookSecret: store.woocommerceWebhookSecret,
    apiToken: token.token,
    scriptUrl: `${base}/v1/cartback.js`,
    apiBase: `${base}/api/v1`,
    consentText: disclosure(store),
    wcAuth: {
      appName: 'Cartback',
      scope: 'read_write',
      userId: store.id,
      callbackUrl: `${base}/v1/connect/wc-auth/${encodeURIComponent(store.id)}/${state}`,
    },
  }
}

/**
 * What WooCommerce posts (`WC_Auth::create_keys` → `post_consumer_data`, includes/class-wc-auth.php):
 * `key_id` (its row id), `user_id` (the `user_id` we put in the authorize URL, a string),
 * `consumer_key` / `consumer_secret` (`ck_` / `cs_` + 40 hex) and `key_permissions`. Other fields
 * are ignored.
 */
const WcKeys = z.object({
  key_id: z.number().int().nonnegative(),
  user_id: z.union([z.string(), z.number()]).transform(String),
  consumer_key: z.string().regex(/^ck_[A-Za-z0-9]{8,64}$/, 'a consumer key (ck_…)'),
  consumer_secret: z.string().regex(/^cs_[A-Za-z0-9]{8,64}$/, 'a consumer secret (cs_…)'),
  key_permissions: z.literal('read_write', 'coupons need read_write keys'),
})

/** The callback link's signed state, when it is ours, unexpired and for the store in the path. */
async function stateOf(c: Context<AppEnv>) {
  const claims = await verifyConnectState(
    c.get('config').SIGNING_SECRET,
    c.req.param('state') ?? '',
    Date.now(),
  )
  return claims?.storeId === c.req.param('storeId') ? claims : null
}

/**
 * The state is checked before the body: it must be ours, unexpired, for this store and for its
 * current plugin connection (a state from before a reconnect or a disconnect is refused).
 */
const stateFits: MiddlewareHandler<AppEnv> = async (c, next) => {
  const claims = await stateOf(c)
  const current = claims ? await pluginConnection(c.env.DB, claims.storeId) : null
  if (!claims || current?.tokenId !== claims.tokenId) {
    throw new AppError('UNAUTHORIZED', 'This authorization link is invalid or has expired.')
  }
  await next()
}

connect.post(
  '/connect/wc-auth/:storeId/:state',
  bodyLimit(tooLarge(CONNECT_MAX_BYTES)),
  stateFits,
  jsonOnly,
  zValidator('json', WcKeys, invalid),
  async (c) => {
    const storeId = c.req.param('storeId')
    const keys = c.req.valid('json')
    if (keys.user_id !== storeId) {
      throw new AppError('BAD_REQUEST', 'These keys were granted for another store.')
    }
    const box = await sealWoocommerceKeys(c.get('config').SIGNING_SECRET, storeId, {
      consumerKey: keys.consumer_key,
      consumerSecret: keys.consumer_secret,
    })
    // One grant per connection: the link is single-use, whoever saw it since.
    // The connection stateFits matched; the conditional update holds if it changed since.
    const tokenId = (await stateOf(c))?.tokenId ?? ''
    if (!(await claimWcKey(c.env.DB, { storeId, tokenId, keyId: keys.key_id }))) {
      throw new AppError('UNAUTHORIZED', 'This authorization link was already used; connect again.')
    }
    await updateStore(c.env.DB, storeId, { woocommerceApi: box })
    // WooCommerce checks for exactly 200 and then redirects the merchant to return_url.
    return c.json({ ok: true }, 200)
  },
)
