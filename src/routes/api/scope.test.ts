// Scoped API tokens (issue 11): every /api/v1 route against a one-store token, a read-only
// token and an all-stores read-write token.
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { beacon, cartId, ITEMS } from '#test/carts'
import { api, call, createStore, errorOf, waitForRow } from '#test/helpers'
import { type ApiTokenAccess, createApiToken } from '../../db/auth'
import type { Store } from '../../db/stores'
import { toBase64Url, utf8 } from '../../lib/encoding'
import { cartStub } from '../../objects/stubs'

type Target = { store: Store; cart: string }
type World = { a: Target; b: Target; tokens: Record<'storeA' | 'readAll' | 'writeAll', string> }

const PHONE = '+15005550006'
const EMAIL = 'scope@example.com'

async function target(name: string): Promise<Target> {
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

const token = async (storeId: string | null, access: ApiTokenAccess) =>
  (await createApiToken(env.DB, { name: 'test', storeId, access })).token

async function world(): Promise<World> {
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

function as(bearer: string, method: string, path: string, json?: unknown) {
  return call(`/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  })
}

/** The JSON of a GET with `bearer`. */
const read = async <T>(bearer: string, path: string) =>
  (await (await as(bearer, 'GET', path)).json()) as T

type Route = {
  name: string
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  path: (t: Target) => string
  body?: (t: Target) => unknown
  /** The status of a success, when not 200. */
  ok?: number
}

/** Every route that names a store, in its path or its `store=` filter. */
const ROUTES: Route[] = [
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
    ok: 202,
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
const WRITES = ROUTES.filter((r) => r.method !== 'GET')

const send = (bearer: string, r: Route, t: Target) => as(bearer, r.method, r.path(t), r.body?.(t))

/** What a write could change: the store, the cart object, the text thread. */
async function fingerprint(t: Target) {
  const store = await (await api(`/stores/${t.store.id}`)).json()
  const cart = await cartStub(env.CART, { storeId: t.store.id, cartId: t.cart }).snapshot()
  const detail = (await (await api(`/carts/${t.store.id}/${t.cart}`)).json()) as {
    conversation: unknown
  }
  return { store, cart, conversation: detail.conversation }
}

describe('a token for store A', () => {
  let w: World
  beforeAll(async () => {
    w = await world()
  })

  it.each(ROUTES.map((r) => [r.name, r] as const))(
    '%s: answers 404 for store B, exactly as for a missing store, and changes nothing',
    async (_n, r) => {
      const before = await fingerprint(w.b)
      const res = await send(w.tokens.storeA, r, w.b)
      expect(res.status).toBe(404)
      expect(await errorOf(res)).toMatchObject({ code: 'NOT_FOUND', message: 'No such store.' })
      const missing = await send(w.tokens.writeAll, r, {
        ...w.b,
        store: { ...w.b.store, id: 'st_x' },
      })
      expect((await errorOf(missing)).message).toBe('No such store.')
      expect(await fingerprint(w.b)).toEqual(before)
    },
  )

  it.each(ROUTES.map((r) => [r.name, r] as const))('%s: reaches store A', async (_n, r) => {
    const res = await send(w.tokens.storeA, r, w.a)
    expect(res.status).toBe(r.ok ?? 200)
  })

  it('lists only store A without a store filter', async () => {
    // A message in each store (the queue consumer writes them to D1).
    for (const t of [w.a, w.b]) {
      const reply = { method: 'POST', json: { text: 'Hi' } }
      expect((await api(`/carts/${t.store.id}/${t.cart}/reply`, reply)).status).toBe(200)
      await waitForRow('SELECT 1 FROM messages WHERE store_id = ?', t.store.id)
    }
    const get = <T>(path: string) => read<T>(w.tokens.storeA, path)
    const stores = await get<{ stores: Store[] }>('/stores')
    expect(stores.stores.map((s) => s.id)).toEqual([w.a.store.id])
    const carts = await get<{ carts: { storeId: string; cartId: string }[] }>('/carts?limit=200')
    expect(carts.carts.map((c) => c.cartId)).toContain(w.a.cart)
    expect(carts.carts.every((c) => c.storeId === w.a.store.id)).toBe(true)
    const csv = await (await as(w.tokens.storeA, 'GET', '/carts/export.csv')).text()
    expect(csv).toContain(w.a.cart)
    expect(csv).not.toContain(w.b.cart)
    const messages = await get<{ messages: { storeId: string; cartId: string }[] }>('/messages')
    expect(messages.messages.length).toBeGreaterThan(0)
    expect(messages.messages.every((m) => m.storeId === w.a.store.id)).toBe(true)
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)
    const range = `from=${day(Date.now() - 86_400_000)}&to=${day(Date.now() + 86_400_000)}`
    const stats = await get<unknown>(`/stats?${range}`)
    expect(stats).toEqual(await (await api(`/stats?${range}&store=${w.a.store.id}`)).json())
    expect(stats).not.toEqual(await (await api(`/stats?${range}`)).json())
  })

  it('cannot create a store', async () => {
    const count = await storeCount()
    const res = await as(w.tokens.storeA, 'POST', '/stores', newStore())
    expect(res.status).toBe(403)
    expect((await errorOf(res)).code).toBe('FORBIDDEN')
    expect(await storeCount()).toBe(count)
  })
})

const storeCount = async () =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM stores').first<{ n: number }>())?.n
const newStore = () => ({
  name: 'New',
  url: 'https://new.example/',
  currency: 'USD',
  allowedOrigins: [],
})

describe('a read-only token', () => {
  let w: World
  beforeAll(async () => {
    w = await world()
  })

  it.each(WRITES.map((r) => [r.name, r] as const))(
    '%s: answers 403 and changes nothing',
    async (_n, r) => {
      const before = await fingerprint(w.a)
      const res = await send(w.tokens.readAll, r, w.a)
      expect(res.status).toBe(403)
      expect(await errorOf(res)).toMatchObject({
        code: 'FORBIDDEN',
        message: 'This API token is read-only.',
      })
      expect(await fingerprint(w.a)).toEqual(before)
    },
  )

  it('cannot create a store', async () => {
    const count = await storeCount()
    const res = await as(w.tokens.readAll, 'POST', '/stores', newStore())
    expect(res.status).toBe(403)
    expect(await storeCount()).toBe(count)
  })

  it('sees no WooCommerce webhook secret, which would let it sign order webhooks', async () => {
    const one = await read<Store>(w.tokens.readAll, `/stores/${w.a.store.id}`)
    expect(one.id).toBe(w.a.store.id)
    expect(one.woocommerceWebhookSecret).toBeNull()
    const list = await read<{ stores: Store[] }>(w.tokens.readAll, '/stores')
    expect(list.stores.length).toBeGreaterThan(1)
    expect(list.stores.every((s) => s.woocommerceWebhookSecret === null)).toBe(true)
    const admin = await read<Store>(w.tokens.writeAll, `/stores/${w.a.store.id}`)
    expect(admin.woocommerceWebhookSecret).toBe(w.a.store.woocommerceWebhookSecret)
  })

  it.each(ROUTES.filter((r) => r.method === 'GET').map((r) => [r.name, r] as const))(
    '%s: reads every store',
    async (_n, r) => {
      expect((await send(w.tokens.readAll, r, w.a)).status).toBe(200)
      expect((await send(w.tokens.readAll, r, w.b)).status).toBe(200)
    },
  )
})

describe('an all-stores read-write token', () => {
  let w: World
  beforeAll(async () => {
    w = await world()
  })

  it.each(ROUTES.map((r) => [r.name, r] as const))('%s: reaches store B', async (_n, r) => {
    expect((await send(w.tokens.writeAll, r, w.b)).status).toBe(r.ok ?? 200)
  })

  it('lists and creates stores', async () => {
    const res = await as(w.tokens.writeAll, 'POST', '/stores', newStore())
    expect(res.status).toBe(201)
    const { id } = (await res.json()) as Store
    const list = await read<{ stores: Store[] }>(w.tokens.writeAll, '/stores')
    expect(list.stores.map((s) => s.id)).toEqual(
      expect.arrayContaining([w.a.store.id, w.b.store.id, id]),
    )
  })
})

describe('a token created before scoping (migration 0012)', () => {
  it('keeps working for every store, read-only', async () => {
    const w = await world()
    // The row as it stood before the migration: neither store nor access written.
    const plain = `cb_live_${'legacy00'.repeat(4)}`
    const hash = await crypto.subtle.digest('SHA-256', utf8.encode(plain))
    await env.DB.prepare(
      'INSERT INTO api_tokens (id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)',
    )
      .bind('tok_legacy', 'Old', toBase64Url(new Uint8Array(hash)), plain.slice(0, 12), Date.now())
      .run()
    const list = await read<{ stores: Store[] }>(plain, '/stores')
    expect(list.stores.map((s) => s.id)).toEqual(
      expect.arrayContaining([w.a.store.id, w.b.store.id]),
    )
    const write = await as(plain, 'PATCH', `/stores/${w.b.store.id}`, { name: 'Taken' })
    expect(write.status).toBe(403)
  })
})
