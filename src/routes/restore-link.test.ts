// The restore link a message carries: GET /r/:token opens the store and never restores.
import { describe, expect, it } from 'vitest'
import { call, errorOf, ORIGIN } from '#test/helpers'
import { abandonedCart, footprint, inAnHour, linkFor, rebuilt, SECRET } from '#test/restore'
import { signRestoreToken } from '../lib/restore-token'

describe('GET /r/:token', () => {
  it('redirects to the store and records nothing: opening a link is not a restore', async () => {
    const { store, id, stub } = await abandonedCart()
    const token = await linkFor(store, id)
    const before = (await stub.snapshot())!
    const res = await call(`/r/${token}`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    const location = new URL(res.headers.get('location')!)
    expect(location.origin + location.pathname).toBe(`${ORIGIN}/`)
    expect(location.searchParams.get('cartback_restore')).toBe(token)
    const after = (await stub.snapshot())!
    expect(after.state).toEqual(before.state)
    expect(after.journal).toEqual(before.journal)
  })

  it('changes nothing for 400 GETs and HEADs of one link (a scanner), and limits them per token', async () => {
    const { store, id, stub } = await abandonedCart()
    const token = await linkFor(store, id)
    const before = await footprint(stub)
    // The local limiter counts in windows aligned to the wall-clock minute (miniflare's
    // ratelimit object): start in a fresh one, so that the 400 requests and the checks after
    // them (a few seconds) are counted in one window, not split by the minute's turn.
    const left = 60_000 - (Date.now() % 60_000)
    if (left < 30_000) await new Promise((r) => setTimeout(r, left + 100))
    const statuses: number[] = []
    for (let i = 0; i < 400; i++) {
      const res = await call(`/r/${token}`, {
        method: i % 2 ? 'HEAD' : 'GET',
        redirect: 'manual',
      })
      statuses.push(res.status)
      await res.arrayBuffer()
    }
    // 30 a minute per token (wrangler.test.jsonc, as in production), then 429.
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(302))
    expect(new Set(statuses.slice(30))).toEqual(new Set([429]))
    expect(await footprint(stub)).toEqual(before)
    // The items and the rebuild report of that token are limited too…
    expect((await call(`/v1/restore/${token}`, { headers: { Origin: ORIGIN } })).status).toBe(429)
    const report = await rebuilt(token)
    expect(report.status).toBe(429)
    expect((await errorOf(report)).code).toBe('RATE_LIMITED')
    expect(await footprint(stub)).toEqual(before)
    // …and another link of the same cart is not.
    const other = await linkFor(store, id, 'sms-1')
    expect((await call(`/r/${other}`, { redirect: 'manual' })).status).toBe(302)
    expect((await call(`/v1/restore/${other}`)).status).toBe(200)
    expect((await rebuilt(other)).status).toBe(200)
  }, 60_000)

  it("uses the store's restore URL template when it has one", async () => {
    const { store, id } = await abandonedCart({
      restoreUrlTemplate: `${ORIGIN}/cart/restore?t={token}`,
    })
    const token = await linkFor(store, id, null)
    const res = await call(`/r/${token}`, { redirect: 'manual' })
    expect(res.headers.get('location')).toBe(`${ORIGIN}/cart/restore?t=${token}`)
  })

  it('rejects a token with any single character changed, with a plain page and no change', async () => {
    const { store, id, stub } = await abandonedCart()
    const token = await linkFor(store, id, null)
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
    const token = await linkFor(a.store, a.id, null)
    const [body, sig] = token.split('.')
    const claims = atob(body!.replaceAll('-', '+').replaceAll('_', '/'))
      .replace(a.store.id, b.store.id)
      .replace(a.id, b.id)
    const forged = `${btoa(claims).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')}.${sig}`
    expect((await call(`/r/${forged}`, { redirect: 'manual' })).status).toBe(400)
    expect((await b.stub.snapshot())!.state.status).toBe('abandoned')
    // A validly signed token naming a cart that does not exist in the store finds nothing.
    const other = await linkFor(b.store, a.id, null)
    expect((await call(`/r/${other}`, { redirect: 'manual' })).status).toBe(404)
  })
})
