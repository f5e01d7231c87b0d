// The storefront rebuilds a cart from a restore token: the items, then its report.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { beacon, cartId, ITEMS } from '#test/carts'
import { api, call, createStore, errorOf, ORIGIN } from '#test/helpers'
import { abandonedCart, footprint, linkFor, rebuilt, SECRET } from '#test/restore'
import { signRestoreToken } from '../lib/restore-token'
import { cartStub } from '../objects/stubs'

describe('GET /v1/restore/:token', () => {
  it('returns the items to rebuild and no personal data, with CORS for the store', async () => {
    const { store, id } = await abandonedCart()
    const token = await linkFor(store, id, null)
    const res = await call(`/v1/restore/${token}`, { headers: { Origin: ORIGIN } })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    const body = await res.json()
    expect(body).toEqual({
      store: store.id,
      cart: id,
      step: null,
      status: 'abandoned',
      currency: 'USD',
      total: 6400,
      items: ITEMS,
      incentive: null,
    })
    expect(JSON.stringify(body)).not.toContain('shopper@example.com')
  })

  it('gives no CORS header to a foreign origin', async () => {
    const { store, id } = await abandonedCart()
    const token = await linkFor(store, id, null)
    const res = await call(`/v1/restore/${token}`, { headers: { Origin: 'https://evil.example' } })
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
  })

  it.each([
    ['tampered', 'abc.def', 400, 'BAD_REQUEST'],
    ['garbage', '%E2%98%83', 400, 'BAD_REQUEST'],
  ])('answers a %s token with the JSON error envelope', async (_n, token, status, code) => {
    const res = await call(`/v1/restore/${token}`)
    expect(res.status).toBe(status)
    expect((await errorOf(res)).code).toBe(code)
  })

  it('answers an expired token with 410 GONE, readable by the storefront', async () => {
    const { store, id } = await abandonedCart()
    const token = await signRestoreToken(SECRET, {
      storeId: store.id,
      cartId: id,
      step: null,
      exp: 1,
    })
    const res = await call(`/v1/restore/${token}`, { headers: { Origin: ORIGIN } })
    expect(res.status).toBe(410)
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect((await errorOf(res)).code).toBe('GONE')
    const foreign = await call(`/v1/restore/${token}`, {
      headers: { Origin: 'https://evil.example' },
    })
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('answers a token for an erased cart with 404', async () => {
    const { store, id, stub } = await abandonedCart()
    await stub.erase()
    const token = await linkFor(store, id, null)
    const res = await call(`/v1/restore/${token}`)
    expect(res.status).toBe(404)
    expect((await errorOf(res)).code).toBe('NOT_FOUND')
    expect((await call(`/r/${token}`, { redirect: 'manual' })).status).toBe(404)
  })

  it('answers a validly signed token for an unknown store with 404', async () => {
    const token = await linkFor({ id: 'st_gone' }, cartId(), null)
    expect((await call(`/v1/restore/${token}`)).status).toBe(404)
    const page = await call(`/r/${token}`, { redirect: 'manual' })
    expect(page.status).toBe(404)
    expect(page.headers.get('location')).toBeNull()
  })
})

describe('POST /v1/restore/:token (the storefront rebuilt the cart)', () => {
  it('records the restore once: status, restoredAt, the click and one journal entry', async () => {
    const { store, id, stub } = await abandonedCart()
    const token = await linkFor(store, id, null)
    const before = (await stub.snapshot())!
    const res = await rebuilt(token)
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(await res.json()).toEqual({ ok: true, recorded: true, status: 'restored' })
    const once = (await stub.snapshot())!
    expect(once.state.status).toBe('restored')
    expect(once.state.restoredAt).toBeGreaterThanOrEqual(before.state.updatedAt)
    expect(once.journal.slice(before.journal.length)).toEqual([
      { at: once.state.restoredAt, type: 'cart.restored', source: 'shopper', step: null },
    ])

    // A second rebuild of the same link (a reload, another device) changes nothing but a count.
    const again = await rebuilt(token)
    expect(await again.json()).toEqual({ ok: true, recorded: false, status: 'restored' })
    const twice = (await stub.snapshot())!
    expect(twice.state).toEqual({
      ...once.state,
      restores: [{ step: null, at: once.state.restoredAt, repeats: 1 }],
    })
    expect(twice.journal).toEqual(once.journal)
    const detail = (await (await api(`/carts/${store.id}/${id}`)).json()) as {
      restores: unknown[]
    }
    expect(detail.restores).toEqual([
      { step: null, at: new Date(once.state.restoredAt!).toISOString(), repeats: 1 },
    ])
  })

  it('journals a rebuild of a cart that was never abandoned once, without a restore', async () => {
    const store = await createStore()
    const id = cartId()
    await beacon({ store: store.publishableKey, cart: id, type: 'cart', items: ITEMS })
    const stub = cartStub(env.CART, { storeId: store.id, cartId: id })
    const token = await linkFor(store, id, null)
    expect((await rebuilt(token)).status).toBe(200)
    expect((await rebuilt(token)).status).toBe(200)
    const snap = (await stub.snapshot())!
    expect(snap.state.status).toBe('active')
    expect(snap.journal.filter((j) => j.type.startsWith('restore')).map((j) => j.type)).toEqual([
      'restore.rebuilt',
    ])
  })

  it.each([
    ['another origin', 'https://evil.example'],
    ['no origin (not a browser on the store)', null],
  ])('refuses a report from %s with 403 and changes nothing', async (_n, origin) => {
    const { store, id, stub } = await abandonedCart()
    const before = await footprint(stub)
    const res = await rebuilt(await linkFor(store, id), origin)
    expect(res.status).toBe(403)
    expect((await errorOf(res)).code).toBe('FORBIDDEN')
    expect(await footprint(stub)).toEqual(before)
  })

  it('refuses a tampered or expired token with the JSON error and changes nothing', async () => {
    const { store, id, stub } = await abandonedCart()
    const before = await footprint(stub)
    const token = await linkFor(store, id)
    const tampered = await rebuilt(`${token.slice(0, -2)}AA`)
    expect(tampered.status).toBe(400)
    expect((await errorOf(tampered)).code).toBe('BAD_REQUEST')
    const expired = await signRestoreToken(SECRET, {
      storeId: store.id,
      cartId: id,
      step: null,
      exp: Math.floor(Date.now() / 1000) - 1,
    })
    expect((await rebuilt(expired)).status).toBe(410)
    const big = await call(`/v1/restore/${token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Origin: ORIGIN },
      body: 'x'.repeat(2000),
    })
    expect(big.status).toBe(413)
    expect(await footprint(stub)).toEqual(before)
  })

  it('answers the preflight of a JSON report for a store origin only', async () => {
    const { store, id } = await abandonedCart()
    const path = `/v1/restore/${await linkFor(store, id)}`
    const preflight = (origin: string) =>
      call(path, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      })
    expect((await preflight(ORIGIN)).headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(
      (await preflight('https://evil.example')).headers.get('access-control-allow-origin'),
    ).toBeNull()
  })

  it('answers 404 for an erased cart', async () => {
    const { store, id, stub } = await abandonedCart()
    await stub.erase()
    expect((await rebuilt(await linkFor(store, id))).status).toBe(404)
  })
})
