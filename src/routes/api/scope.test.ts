// Scoped API tokens (issue 11): every /api/v1 route against a one-store token, a read-only
// token and an all-stores read-write token.
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import { api, errorOf, waitForRow } from '#test/helpers'
import * as scope from '#test/scope'
import type { Store } from '../../db/stores'
import { toBase64Url, utf8 } from '../../lib/encoding'

describe('a token for store A', () => {
  let w: scope.World
  beforeAll(async () => {
    w = await scope.world()
  })

  it.each(scope.ROUTES.map((r) => [r.name, r] as const))(
    '%s: answers 404 for store B, exactly as for a missing store, and changes nothing',
    async (_n, r) => {
      const before = await scope.fingerprint(w.b)
      const res = await scope.send(w.tokens.storeA, r, w.b)
      expect(res.status).toBe(404)
      expect(await errorOf(res)).toMatchObject({ code: 'NOT_FOUND', message: 'No such store.' })
      const missing = await scope.send(w.tokens.writeAll, r, {
        ...w.b,
        store: { ...w.b.store, id: 'st_x' },
      })
      expect((await errorOf(missing)).message).toBe('No such store.')
      expect(await scope.fingerprint(w.b)).toEqual(before)
    },
  )

  it.each(scope.ROUTES.map((r) => [r.name, r] as const))('%s: reaches store A', async (_n, r) => {
    const res = await scope.send(w.tokens.storeA, r, w.a)
    expect(res.status).toBe(r.ok ?? 200)
  })

  it('lists only store A without a store filter', async () => {
    // A message in each store (the queue consumer writes them to D1).
    for (const t of [w.a, w.b]) {
      const reply = { method: 'POST', json: { text: 'Hi' } }
      expect((await api(`/carts/${t.store.id}/${t.cart}/reply`, reply)).status).toBe(200)
      await waitForRow('SELECT 1 FROM messages WHERE store_id = ?', t.store.id)
    }
    const get = <T>(path: string) => scope.read<T>(w.tokens.storeA, path)
    const stores = await get<{ stores: Store[] }>('/stores')
    expect(stores.stores.map((s) => s.id)).toEqual([w.a.store.id])
    const carts = await get<{ carts: { storeId: string; cartId: string }[] }>('/carts?limit=200')
    expect(carts.carts.map((c) => c.cartId)).toContain(w.a.cart)
    expect(carts.carts.every((c) => c.storeId === w.a.store.id)).toBe(true)
    const csv = await (await scope.as(w.tokens.storeA, 'GET', '/carts/export.csv')).text()
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
    const res = await scope.as(w.tokens.storeA, 'POST', '/stores', newStore())
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
  let w: scope.World
  beforeAll(async () => {
    w = await scope.world()
  })

  it.each(scope.WRITES.map((r) => [r.name, r] as const))(
    '%s: answers 403 and changes nothing',
    async (_n, r) => {
      const before = await scope.fingerprint(w.a)
      const res = await scope.send(w.tokens.readAll, r, w.a)
      expect(res.status).toBe(403)
      expect(await errorOf(res)).toMatchObject({
        code: 'FORBIDDEN',
        message: 'This API token is read-only.',
      })
      expect(await scope.fingerprint(w.a)).toEqual(before)
    },
  )

  it('cannot create a store', async () => {
    const count = await storeCount()
    const res = await scope.as(w.tokens.readAll, 'POST', '/stores', newStore())
    expect(res.status).toBe(403)
    expect(await storeCount()).toBe(count)
  })

  it('sees no WooCommerce webhook secret, which would let it sign order webhooks', async () => {
    const one = await scope.read<Store>(w.tokens.readAll, `/stores/${w.a.store.id}`)
    expect(one.id).toBe(w.a.store.id)
    expect(one.woocommerceWebhookSecret).toBeNull()
    const list = await scope.read<{ stores: Store[] }>(w.tokens.readAll, '/stores')
    expect(list.stores.length).toBeGreaterThan(1)
    expect(list.stores.every((s) => s.woocommerceWebhookSecret === null)).toBe(true)
    const admin = await scope.read<Store>(w.tokens.writeAll, `/stores/${w.a.store.id}`)
    expect(admin.woocommerceWebhookSecret).toBe(w.a.store.woocommerceWebhookSecret)
  })

  it.each(scope.ROUTES.filter((r) => r.method === 'GET').map((r) => [r.name, r] as const))(
    '%s: reads every store',
    async (_n, r) => {
      expect((await scope.send(w.tokens.readAll, r, w.a)).status).toBe(200)
      expect((await scope.send(w.tokens.readAll, r, w.b)).status).toBe(200)
    },
  )
})

describe('an all-stores read-write token', () => {
  let w: scope.World
  beforeAll(async () => {
    w = await scope.world()
  })

  it.each(scope.ROUTES.map((r) => [r.name, r] as const))('%s: reaches store B', async (_n, r) => {
    expect((await scope.send(w.tokens.writeAll, r, w.b)).status).toBe(r.ok ?? 200)
  })

  it('lists and creates stores', async () => {
    const res = await scope.as(w.tokens.writeAll, 'POST', '/stores', newStore())
    expect(res.status).toBe(201)
    const { id } = (await res.json()) as Store
    const list = await scope.read<{ stores: Store[] }>(w.tokens.writeAll, '/stores')
    expect(list.stores.map((s) => s.id)).toEqual(
      expect.arrayContaining([w.a.store.id, w.b.store.id, id]),
    )
  })
})

describe('a token created before scoping (migration 0012)', () => {
  it('keeps working for every store, read-only', async () => {
    const w = await scope.world()
    // The row as it stood before the migration: neither store nor access written.
    const plain = `cb_live_${'legacy00'.repeat(4)}`
    const hash = await crypto.subtle.digest('SHA-256', utf8.encode(plain))
    await env.DB.prepare(
      'INSERT INTO api_tokens (id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?)',
    )
      .bind('tok_legacy', 'Old', toBase64Url(new Uint8Array(hash)), plain.slice(0, 12), Date.now())
      .run()
    const list = await scope.read<{ stores: Store[] }>(plain, '/stores')
    expect(list.stores.map((s) => s.id)).toEqual(
      expect.arrayContaining([w.a.store.id, w.b.store.id]),
    )
    const write = await scope.as(plain, 'PATCH', `/stores/${w.b.store.id}`, { name: 'Taken' })
    expect(write.status).toBe(403)
  })
})
