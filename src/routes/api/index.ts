import { type Context, Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { ADMIN_SCOPE, type ApiScope, apiTokenScope } from '../../db/auth'
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
 * ADMIN_API_TOKEN (every store, read-write), or a token the owner created in the dashboard (and
 * has not revoked), scoped to one store or every store, read-only or read-write. The scope's
 * store is enforced by `./scope` in every route; read-only is enforced here, by method.
 */
export const api = new Hono<AppEnv>()

const READ_METHODS = new Set(['GET', 'HEAD'])

async function scopeOfToken(c: Context<AppEnv>, token: string): Promise<ApiScope | null> {
  if (await timingSafeEqualStrings(token, c.get('config').ADMIN_API_TOKEN)) return ADMIN_SCOPE
  return apiTokenScope(c.env.DB, token)
}

api.use(async (c, next) => {
  const header = c.req.header('authorization') ?? ''
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
  const scope = token === undefined ? null : await scopeOfToken(c, token)
  if (!scope) {
    c.header('WWW-Authenticate', 'Bearer realm="cartback"')
    throw new AppError('UNAUTHORIZED', 'Missing or invalid API token.')
  }
  c.header('Cache-Control', 'no-store')
  // Every method but GET and HEAD counts as a write, previews included: fail closed.
  if (!scope.write && !READ_METHODS.has(c.req.method))
    throw new AppError('FORBIDDEN', 'This API token is read-only.')
  c.set('apiScope', scope)
  await next()
})
api.use(bodyLimit(tooLarge(API_MAX_BYTES)))

api.route('/stores', stores)
api.route('/stores', preview)
api.route('/carts', carts)
api.route('/stats', stats)
api.route('/messages', messages)
api.route('/contacts', contacts)
