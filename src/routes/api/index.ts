import { type Context, Hono } from 'hono'
import { bearerAuth } from 'hono/bearer-auth'
import { bodyLimit } from 'hono/body-limit'
import { ADMIN_SCOPE, apiTokenScope } from '../../db/auth'
import { AppError } from '../../lib/errors'
import { timingSafeEqualStrings } from '../../lib/hmac'
import type { AppEnv } from '../env'
import { tooLarge } from '../validation'
import { carts } from './carts'
import { connection } from './connection'
import { contacts } from './contacts'
import { experiments } from './experiments'
import { messages } from './messages'
import { preview } from './preview'
import { privacy } from './privacy'
import { apiScope } from './scope'
import { stats } from './stats'
import { stores } from './stores'
import { webhooks } from './webhooks'

const API_MAX_BYTES = 64 * 1024

/**
 * The merchant JSON API. Every route needs `Authorization: Bearer <token>`: the deployment's
 * ADMIN_API_TOKEN (every store, read-write), or a token the owner created in the dashboard (and
 * has not revoked), scoped to one store or every store, read-only or read-write. The scope's
 * store is enforced by `./scope` in every route; read-only is enforced here, by method.
 */
export const api = new Hono<AppEnv>()

const READ_METHODS = new Set(['GET', 'HEAD'])
const CHALLENGE = 'Bearer realm="cartback"'

/** Resolves the token's scope onto the context; false for an unknown or revoked token. */
async function verifyToken(token: string, c: Context<AppEnv>): Promise<boolean> {
  const scope = (await timingSafeEqualStrings(token, c.get('config').ADMIN_API_TOKEN))
    ? ADMIN_SCOPE
    : await apiTokenScope(c.env.DB, token)
  if (scope) c.set('apiScope', scope)
  return scope !== null
}

/**
 * Every refusal of bearerAuth (no header, another scheme or a malformed token, a wrong token) is
 * the same 401 in our envelope, with one challenge: the caller learns only that the token failed.
 * bearerAuth calls `message` before it throws its own HTTPException (a plain-text body, and 400
 * for a malformed header), so throwing our AppError there hands the refusal to app.onError.
 */
const refuse = {
  wwwAuthenticateHeader: CHALLENGE,
  message: (c: Context): never => {
    c.header('WWW-Authenticate', CHALLENGE)
    throw new AppError('UNAUTHORIZED', 'Missing or invalid API token.')
  },
}

api.use(
  bearerAuth<AppEnv>({
    verifyToken,
    noAuthenticationHeader: refuse,
    invalidAuthenticationHeader: refuse,
    invalidToken: refuse,
  }),
)
api.use(async (c, next) => {
  c.header('Cache-Control', 'no-store')
  // Every method but GET and HEAD counts as a write, previews included: fail closed.
  if (!apiScope(c).write && !READ_METHODS.has(c.req.method))
    throw new AppError('FORBIDDEN', 'This API token is read-only.')
  await next()
})
api.use(bodyLimit(tooLarge(API_MAX_BYTES)))

api.route('/stores', stores)
api.route('/stores', preview)
api.route('/stores', privacy)
api.route('/stores', connection)
api.route('/stores', webhooks)
api.route('/carts', carts)
api.route('/stats', stats)
api.route('/messages', messages)
api.route('/contacts', contacts)
api.route('/experiments', experiments)
