// Two stores, each with a cart, a phone thread and an email, and tokens of every scope: what the
// API's scope tests send to every route.
import { env } from 'cloudflare:workers'
import { expect } from 'vitest'
import type { ApiTokenAccess } from '../src/db/auth'
import { createApiToken } from '../src/db/auth'
import type { Store } from '../src/db/stores'
import { cartStub } from '../src/objects/stubs'
import { beacon, cartId, ITEMS } from './carts'
import { api, call, createStore, waitForRow } from './helpers'

export type Target = { store: Store; cart: string }
export type World = {
  a: Target
  b: Target
  tokens: Record<'storeA' | 'readAll' | 'writeAll', string>
}

export const PHONE = '+15005550006'
export const EMAIL = 'scope@example.com'

export async function target(name: string): Promise<Target> {
  const store = await createStore({ name, settings: { sms: { doubleOptIn: false } } })
  const cart = cartId()
  const res = await beacon({
    store: store.publishableKey,
    cart,
    type: 'contact',
    items: ITEMS,
    contact: { email: EMAIL, phone: PHONE },
    consent: { sms: true, text: 'Text me reminders. Reply STOP to opt out.' },
  })
  expect(res.status).toBe(202)
  // The lists read D1, which the reporting queue fills a moment later.
  await waitForRow('SELECT 1 FROM carts WHERE store_id = ? AND cart_id = ?', store.id, cart)
  return { store, cart }
}

export const token = async (storeId: string | null, access: ApiTokenAccess) =>
  (await createApiToken(env.DB, { name: 'test', storeId, access })).token

export async function world(): Promise<World> {
  const [a, b] = [await target('Store A'), await target('Store B')]
  return {
    a,
    b,
    tokens: {
      storeA: await token(a.store.id, 'write'),
      readAll: await token(null, 'read'),
      writeAll: await token(null, 'write'),
    },
  }
}

export function as(bearer: string, method: string, path: string, json?: unknown) {
  return call(`/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  })
}

/** The JSON of a GET with `bearer`. */
export const read = async <T>(bearer: string, path: string) =>
  (await (await as(bearer, 'GET', path)).json()) as T

export type Route = {
  name: string
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  path: (t: Target) => string
  body?: (t: Target) => unknown
  /** The status of a success, when not 200. */
  ok?: number
}

/** Every route that names a store, in its path or its `store=` filter. */
export const ROUTES: Route[] = [
  { name: 'GET /stores/:id', method: 'GET', path: (t) => `/stores/${t.store.id}` },
  {
    name: 'PATCH /stores/:id',
    method: 'PATCH',
    path: (t) => `/stores/${t.store.id}`,
    body: () => ({ allowedOrigins: ['https://evil.example'] }),
  },
  {
    name: 'GET /stores/:id/sequence',
    method: 'GET',
    path: (t) => `/stores/${t.store.id}/sequence`,
  },
  {
    name: 'PUT /stores/:id/sequence',
    method: 'PUT',
    path: (t) => `/stores/${t.store.id}/sequence`,
    body: (t) => ({ sequence: t.store.settings.sequence.slice(0, 1) }),
  },
  {
    name: 'POST /stores/:id/preview',
    method: 'POST',
    path: (t) => `/stores/${t.store.id}/preview`,
    body: (t) => ({ stepId: t.store.settings.sequence[0]?.id, cart: t.cart }),
  },
  {
    name: 'GET /stores/:id/webhooks',
    method: 'GET',
    path: (t) => `/stores/${t.store.id}/webhooks`,
  },
  {
    name: 'POST /stores/:id/webhooks',
    method: 'POST',
    path: (t) => `/stores/${t.store.id}/webhooks`,
    body: () => ({ url: 'https://hooks.example/cartback', events: ['cart.lost'] }),
    ok: 201,
  },
  { name: 'GET /carts?store=', method: 'GET', path: (t) => `/carts?store=${t.store.id}` },
  {
    name: 'GET /carts/export.csv?store=',
    method: 'GET',
    path: (t) => `/carts/export.csv?store=${t.store.id}`,
  },
  { name: 'GET /carts/:store/:cart', method: 'GET', path: (t) => `/carts/${t.store.id}/${t.cart}` },
  {
    name: 'POST /carts/:store/:cart/actions',
    method: 'POST',
    path: (t) => `/carts/${t.store.id}/${t.cart}/actions`,
    body: () => ({ action: 'archive' }),
  },
  {
    name: 'POST /carts/:store/:cart/reply',
    method: 'POST',
    path: (t) => `/carts/${t.store.id}/${t.cart}/reply`,
    body: () => ({ text: 'Hello from the shop' }),
  },
  { name: 'GET /messages?store=', method: 'GET', path: (t) => `/messages?store=${t.store.id}` },
  { name: 'GET /stats?store=', method: 'GET', path: (t) => `/stats?store=${t.store.id}` },
  {
    name: 'GET /stats?store=&period= (a holdout period)',
    method: 'GET',
    path: (t) => `/stats?store=${t.store.id}&period=per_scopecheck`,
  },
  {
    name: 'GET /experiments?store=',
    method: 'GET',
    path: (t) => `/experiments?store=${t.store.id}`,
  },
  {
    name: 'POST /stores/:id/sequence/:step/keep-variant',
    method: 'POST',
    path: (t) => `/stores/${t.store.id}/sequence/email-1h/keep-variant`,
    body: () => ({ variant: 'b' }),
    // The default sequence runs no experiment: the route's own 409 comes past the scope check
    // (src/routes/api/experiments.test.ts has the change itself).
    ok: 409,
  },
  {
    name: 'GET /contacts/:store/consent',
    method: 'GET',
    path: (t) => `/contacts/${t.store.id}/consent?email=${EMAIL}`,
  },
  // The erasure is scoped by the same `visibleStore`; privacy.test.ts checks it (it would erase
  // the cart the later tests here use).
  {
    name: 'POST /stores/:id/privacy/export',
    method: 'POST',
    path: (t) => `/stores/${t.store.id}/privacy/export`,
    body: () => ({ email: EMAIL }),
  },
  {
    name: 'GET /stores/:id/connection',
    method: 'GET',
    path: (t) => `/stores/${t.store.id}/connection`,
  },
  {
    name: 'POST /stores/:id/test-event',
    method: 'POST',
    path: (t) => `/stores/${t.store.id}/test-event`,
    // No WordPress site is connected in this world: the route's own 409 comes past the scope
    // check (a refused token gets 403 first); privacy.test.ts has the connected 202.
    ok: 409,
  },
  {
    name: 'POST /stores/:id/connect-codes',
    method: 'POST',
    path: (t) => `/stores/${t.store.id}/connect-codes`,
    ok: 201,
  },
  {
    name: 'DELETE /stores/:id/connection',
    method: 'DELETE',
    path: (t) => `/stores/${t.store.id}/connection`,
    ok: 204,
  },
]
export const WRITES = ROUTES.filter((r) => r.method !== 'GET')

export const send = (bearer: string, r: Route, t: Target) =>
  as(bearer, r.method, r.path(t), r.body?.(t))

/** What a write could change: the store, the cart object, the text thread. */
export async function fingerprint(t: Target) {
  const store = await (await api(`/stores/${t.store.id}`)).json()
  const cart = await cartStub(env.CART, { storeId: t.store.id, cartId: t.cart }).snapshot()
  const detail = (await (await api(`/carts/${t.store.id}/${t.cart}`)).json()) as {
    conversation: unknown
  }
  return { store, cart, conversation: detail.conversation }
}
