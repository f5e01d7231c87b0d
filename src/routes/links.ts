import type { Context } from 'hono'
import type { Store } from '../db/stores'
import { signRestoreToken } from '../lib/restore-token'
import type { AppEnv } from './env'

/** Public origin for links: PUBLIC_BASE_URL when set, else the request's own origin. */
export function publicBase(c: Context<AppEnv>): string {
  return (c.get('config').PUBLIC_BASE_URL ?? new URL(c.req.url).origin).replace(/\/$/, '')
}

/** A signed restore link for a cart, valid for the store's restore TTL. */
export async function restoreLink(
  c: Context<AppEnv>,
  store: Store,
  cartId: string,
  step: string | null = null,
): Promise<string> {
  const exp = Math.floor(Date.now() / 1000) + store.settings.restoreTtlSeconds
  const token = await signRestoreToken(c.get('config').SIGNING_SECRET, {
    storeId: store.id,
    cartId,
    step,
    exp,
  })
  return `${publicBase(c)}/r/${token}`
}

/**
 * Where a restore click lands: the store's template with `{token}` replaced, or the store's
 * URL with a `cartback_restore` parameter.
 */
export function storeRestoreUrl(store: Store, token: string): string {
  if (store.restoreUrlTemplate?.includes('{token}')) {
    return store.restoreUrlTemplate.replace('{token}', encodeURIComponent(token))
  }
  const url = new URL(store.restoreUrlTemplate ?? store.url)
  url.searchParams.set('cartback_restore', token)
  return url.toString()
}
