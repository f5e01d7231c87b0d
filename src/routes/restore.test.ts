import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import {
  abandon,
  beacon,
  call,
  cartId,
  createStore,
  errorOf,
  ITEMS,
  ORIGIN,
} from '../../test/helpers'
import { signRestoreToken } from '../lib/restore-token'
import { cartStub } from '../objects/cart-object'

const SECRET = 'test-signing-secret-0123456789abcdef'
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600

async function abandonedCart(overrides: Record<string, unknown> = {}) {
  const store = await createStore(overrides)
  const id = cartId()
  await beacon({
    store: store.publishableKey,
    cart: id,
    type: 'contact',
    items: ITEMS,
    contact: { email: 'shopper@example.com', firstName: 'Ada' },
  })
  const stub = cartStub(env.CART, { storeId: store.id, cartId: id })
  await abandon(stub)
  return { store, id, stub }
}

describe('GET /r/:token', () => {
  it('journals the click, restores the abandoned cart and redirects to the store', async () => {
    const { store, id, stub } = await abandonedCart()
    const token = await signRestoreToken(SECRET, {
      storeId: store.id,
      cartId: id,
      step: 'email-1',
      exp: inAnHour(),
    })
    const res = await call(`/r/${token}`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location')!)
    expect(location.origin + location.pathname).toBe(`${ORIGIN}/`)
    expect(location.searchParams.get('cartback_restore')).toBe(token)
    const snap = (await stub.snapshot())!
    expect(snap.state.status).toBe('restored')
    expect(snap.journal.slice(-2).map((j) => [j.type, j.step ?? null])).toEqual([
      ['restore.clicked', 'email-1'],
      ['cart.restored', null],
    ])
  })

  it("uses the store's restore URL template when it has one", async () => {
    const { store, id } = await abandonedCart({
      restoreUrlTemplate: `${ORIGIN}/cart/restore?t={token}`,
    })
    const token = await signRestoreToken(SECRET, {
      storeId: store.id,
      cartId: id,
      step: null,
      exp: inAnHour(),
    })
    const res = await call(`/r/${token}`, { redirect: 'manual' })
    expect(res.headers.get('location')).toBe(`${ORIGIN}/cart/restore?t=${token}`)
  })

  it('journals a click on a cart that was never abandoned without changing its status', async () => {
    const store = await createStore()
    const id = cartId()
    await beacon({ store: store.publishableKey, cart: id, type: 'cart', items: ITEMS })
    const token = await signRestoreToken(SECRET, {
      storeId: store.id,
      cartId: id,
      step: null,
      exp: inAnHour(),
    })
    expect((await call(`/r/${token}`, { redirect: 'manual' })).status).toBe(302)
    const snap = (await cartStub(env.CART, { storeId: store.id, cartId: id }).snapshot())!
    expect(snap.state.status).toBe('active')
    expect(snap.journal.at(-1)?.type).toBe('restore.clicked')
  })

  it('rejects a token with any single character changed, with a plain page and no change', async () => {
    const { store, id, stub } = await abandonedCart()
    const token = await signRestoreToken(SECRET, {
      storeId: store.id,
      cartId: id,
      step: null,
      exp: inAnHour(),
    })
    const before = (await stub.snapshot())!
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const statuses = new Set<number>()
    for (let i = 0; i < token.length; i++) {
      const ch = token[i]!
      const swapped = ch === '.' ? 'A' : alphabet[(alphabet.indexOf(ch) + 1) % alphabet.length]!
      const forged = token.slice(0, i) + swapped + token.slice(i + 1)
      const res = await call(`/r/${forged}`, { redirect: 'manual' })
      statuses.add(res.status)
      expect(res.headers.get('location')).toBeNull()
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
      await res.text()
    }
    expect([...statuses]).toEqual([400])
    const after = (await stub.snapshot())!
    expect(after.state).toEqual(before.state)
    expect(after.journal).toHaveLength(before.journal.length)
  })

  it('rejects an expired token with 410', async () => {
    const { store, id, stub } = await abandonedCart()
    const token = await signRestoreToken(SECRET, {
      storeId: store.id,
      cartId: id,
      step: null,
      exp: Math.floor(Date.now() / 1000) - 1,
    })
    const res = await call(`/r/${token}`, { redirect: 'manual' })
    expect(res.status).toBe(410)
    expect(await res.text()).toContain('expired')
    expect((await stub.snapshot())!.state.status).toBe('abandoned')
  })

  it('rejects a token signed with another secret (another deployment)', async () => {
    const { store, id, stub } = await abandonedCart()
    const token = await signRestoreToken('another-deployments-secret-0123456789', {
      storeId: store.id,
      cartId: id,
      step: null,
      exp: inAnHour(),
    })
    expect((await call(`/r/${token}`, { redirect: 'manual' })).status).toBe(400)
    expect((await stub.snapshot())!.state.status).toBe('abandoned')
  })

  it('does not let a token for one store reach a cart of another', async () => {
    const a = await abandonedCart()
    const b = await abandonedCart()
    // A real token for store A's cart; claim store B's cart id with A's signature.
    const token = await signRestoreToken(SECRET, {
      storeId: a.store.id,
      cartId: a.id,
      step: null,
      exp: inAnHour(),
    })
    const [body, sig] = token.split('.')
    const claims = atob(body!.replaceAll('-', '+').replaceAll('_', '/'))
      .replace(a.store.id, b.store.id)
      .replace(a.id, b.id)
    const forged = `${btoa(claims).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')}.${sig}`
    expect((await call(`/r/${forged}`, { redirect: 'manual' })).status).toBe(400)
    expect((await b.stub.snapshot())!.state.status).toBe('abandoned')
    // A validly signed token naming a cart that does not exist in the store finds nothing.
    const other = await signRestoreToken(SECRET, {
      storeId: b.store.id,
      cartId: a.id,
      step: null,
      exp: inAnHour(),
    })
    expect((await call(`/r/${other}`, { redirect: 'manual' })).status).toBe(404)
  })
})

describe('GET /v1/restore/:token', () => {
  it('returns the items to rebuild and no personal data, with CORS for the store', async () => {
    const { store, id } = await abandonedCart()
    const token = await signRestoreToken(SECRET, {
      storeId: store.id,
      cartId: id,
      step: null,
      exp: inAnHour(),
    })
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
    const token = await signRestoreToken(SECRET, {
      storeId: store.id,
      cartId: id,
      step: null,
      exp: inAnHour(),
    })
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
    const token = await signRestoreToken(SECRET, {
      storeId: store.id,
      cartId: id,
      step: null,
      exp: inAnHour(),
    })
    const res = await call(`/v1/restore/${token}`)
    expect(res.status).toBe(404)
    expect((await errorOf(res)).code).toBe('NOT_FOUND')
    expect((await call(`/r/${token}`, { redirect: 'manual' })).status).toBe(404)
  })

  it('answers a validly signed token for an unknown store with 404', async () => {
    const token = await signRestoreToken(SECRET, {
      storeId: 'st_gone',
      cartId: cartId(),
      step: null,
      exp: inAnHour(),
    })
    expect((await call(`/v1/restore/${token}`)).status).toBe(404)
    const page = await call(`/r/${token}`, { redirect: 'manual' })
    expect(page.status).toBe(404)
    expect(page.headers.get('location')).toBeNull()
  })
})
