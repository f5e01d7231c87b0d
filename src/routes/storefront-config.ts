import { Hono } from 'hono'
import { storeByPublishableKey } from '../db/stores'
import { storefrontConfig } from '../domain/store/storefront'
import { AppError } from '../lib/errors'
import type { AppEnv } from './env'

/**
 * `GET /v1/config/:key`: what the storefront script shows on the store's pages (consent text,
 * popup, Global Privacy Control). Public by design: nothing in it is secret. Readable by the
 * store's own origins only; cached briefly so a settings change reaches shoppers within a minute.
 */
export const storefrontConfigRoute = new Hono<AppEnv>()

storefrontConfigRoute.get('/config/:key', async (c) => {
  c.header('Vary', 'Origin')
  const key = c.req.param('key')
  if (!/^pk_[A-Za-z0-9]{8,64}$/.test(key)) {
    throw new AppError('BAD_REQUEST', 'A publishable store key (pk_…) is expected.')
  }
  const store = await storeByPublishableKey(c.env.DB, key)
  if (!store) throw new AppError('NOT_FOUND', 'Unknown store key.')
  const origin = c.req.header('origin')
  if (origin && store.allowedOrigins.includes(origin)) {
    c.header('Access-Control-Allow-Origin', origin)
  }
  c.header('Cache-Control', 'public, max-age=60')
  return c.json(storefrontConfig(store))
})
