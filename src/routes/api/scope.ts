import type { Context } from 'hono'
import type { ApiScope } from '../../db/auth'
import { type Store, storeById } from '../../db/stores'
import { AppError } from '../../lib/errors'
import type { AppEnv } from '../env'

/** The request's token scope (set by the API's auth middleware; none means no access). */
export function apiScope(c: Context<AppEnv>): ApiScope {
  const scope = c.get('apiScope')
  if (!scope) throw new AppError('UNAUTHORIZED', 'Missing or invalid API token.')
  return scope
}

/**
 * Refuses a store outside the token's scope with the same 404 as a store that does not exist,
 * so a one-store token learns nothing about the others (issue 11).
 */
export function assertStoreVisible(c: Context<AppEnv>, storeId: string): void {
  const { storeId: only } = apiScope(c)
  if (only !== null && only !== storeId) throw new AppError('NOT_FOUND', 'No such store.')
}

/** The store a `/:storeId/…` route names, when the token may reach it; 404 otherwise. */
export async function visibleStore(c: Context<AppEnv>, storeId: string): Promise<Store> {
  assertStoreVisible(c, storeId)
  const store = await storeById(c.env.DB, storeId)
  if (!store) throw new AppError('NOT_FOUND', 'No such store.')
  return store
}

/**
 * The stores a list reads: the one it names (404 if out of scope, as if unknown), else the
 * token's one store, else null for every store.
 */
export async function scopeOf(c: Context<AppEnv>, store?: string): Promise<Store | null> {
  const id = store || apiScope(c).storeId
  return id ? visibleStore(c, id) : null
}

/** Creating a store needs an all-stores token: a one-store token would widen its own reach. */
export function assertAllStores(c: Context<AppEnv>): void {
  if (apiScope(c).storeId !== null)
    throw new AppError('FORBIDDEN', 'This API token is for one store; it cannot create stores.')
}

/**
 * A store as this token may see it. A read-only token gets no WooCommerce webhook secret: with
 * it, a token meant for reading could sign order webhooks and change what carts record.
 */
export function storeForScope<T extends Store>(
  c: Context<AppEnv>,
  store: T,
): T | (Omit<T, 'woocommerceWebhookSecret'> & { woocommerceWebhookSecret: null }) {
  return apiScope(c).write ? store : { ...store, woocommerceWebhookSecret: null }
}
