import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { apiTokenValid } from '../../db/auth'
import { AppError } from '../../lib/errors'
import { timingSafeEqualStrings } from '../../lib/hmac'
import type { AppEnv } from '../env'
import { tooLarge } from '../validation'
import { carts } from './carts'
import { contacts } from './contacts'
import { messages } from './messages'
import { preview } from './preview'
import { stats } from './stats'
import { stores } from './stores'

const API_MAX_BYTES = 64 * 1024

/**
 * The merchant JSON API. Every route needs `Authorization: Bearer <token>`: the deployment's
 * ADMIN_API_TOKEN, or a token the owner created in the dashboard (and has not revoked).
 */
export const api = new Hono<AppEnv>()

api.use(async (c, next) => {
  const header = c.req.header('authorization') ?? ''
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
  const ok =
    token !== undefined &&
    ((await timingSafeEqualStrings(token, c.get('config').ADMIN_API_TOKEN)) ||
      (await apiTokenValid(c.env.DB, token)))
  if (!ok) {
    c.header('WWW-Authenticate', 'Bearer realm="cartback"')
    throw new AppError('UNAUTHORIZED', 'Missing or invalid API token.')
  }
  c.header('Cache-Control', 'no-store')
  await next()
})
api.use(bodyLimit(tooLarge(API_MAX_BYTES)))

api.route('/stores', stores)
api.route('/stores', preview)
api.route('/carts', carts)
api.route('/stats', stats)
api.route('/messages', messages)
api.route('/contacts', contacts)
