import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { hungServer } from '#test/fakes/http'
import { fakeWooCommerce } from '#test/fakes/woocommerce'
import type { Coupon } from './types'
import { wooCoupons } from './woocommerce'

let fake: Awaited<ReturnType<typeof fakeWooCommerce>>
beforeAll(async () => {
  fake = await fakeWooCommerce()
})
afterAll(() => fake.close())
afterEach(() => {
  fake.mode.expiry = 'stored'
  fake.mode.hangOn = null
})

const coupon = (code: string): Coupon => ({
  code,
  kind: 'percent',
  amount: '10',
  expiresAt: Date.parse('2026-12-01T00:00:00Z'),
  description: 'Cartback: cart recovery, step email-72h',
})
const shop = () => ({ url: `${fake.url}/`, consumerKey: 'ck_test', consumerSecret: 'cs_test' })
const AUTH = `Basic ${Buffer.from('ck_test:cs_test').toString('base64')}`
/** The requests the adapter made since `from`, as `METHOD path`. */
const calls = (from: number) => fake.requests.slice(from).map((r) => `${r.method} ${r.path}`)

describe('wooCoupons against a local WooCommerce', () => {
  it('creates a single-use coupon for anyone holding the code, expiring when the step says', async () => {
    expect(await wooCoupons().create(shop(), coupon('CB-AAAA1111'))).toEqual({
      ok: true,
      code: 'CB-AAAA1111',
      created: true,
    })
    const req = fake.requests.at(-1)!
    expect(req.path).toBe('/wp-json/wc/v3/coupons')
    expect(req.headers.authorization).toBe(
      `Basic ${Buffer.from('ck_test:cs_test').toString('base64')}`,
    )
    expect(JSON.parse(req.body)).toEqual({
      code: 'CB-AAAA1111',
      discount_type: 'percent',
      amount: '10',
      date_expires: '2026-12-01T00:00:00Z',
      individual_use: true,
      usage_limit: 1,
      usage_limit_per_user: 1,
      description: 'Cartback: cart recovery, step email-72h',
    })
    // Read back as a merchant's WooCommerce shows it: the expiry is stored, in UTC and site time.
    const id = fake.coupons.get('cb-aaaa1111')!.id
    const back = await fetch(`${fake.url}/wp-json/wc/v3/coupons/${id}`, {
      headers: { authorization: req.headers.authorization! },
    })
    expect(await back.json()).toMatchObject({
      code: 'cb-aaaa1111',
      date_expires_gmt: '2026-12-01T00:00:00',
      date_expires: '2026-12-01T02:00:00',
      usage_limit: 1,
      email_restrictions: [],
    })
  })

  it('would leave a coupon without expiry through date_expires_gmt, as WooCommerce does', async () => {
    const res = await fetch(`${fake.url}/wp-json/wc/v3/coupons`, {
      method: 'POST',
      headers: { authorization: AUTH },
      body: JSON.stringify({ code: 'OLD-WAY', date_expires_gmt: '2026-12-01T00:00:00' }),
    })
    expect(await res.json()).toMatchObject({ date_expires: null, date_expires_gmt: null })
  })

  it('reads the expiry the shop stored from the create answer, and stops there when it holds', async () => {
    const from = fake.requests.length
    await wooCoupons().create(shop(), coupon('CB-VERI0001'))
    // The POST answer is the stored coupon: no read-back, no update needed.
    expect(calls(from)).toEqual(['POST /wp-json/wc/v3/coupons'])
  })

  it('repairs a coupon whose expiry the shop dropped on create (a plugin filtering it)', async () => {
    fake.mode.expiry = 'dropped_on_create'
    const from = fake.requests.length
    expect(await wooCoupons().create(shop(), coupon('CB-FIXD0001'))).toEqual({
      ok: true,
      code: 'CB-FIXD0001',
      created: true,
      repaired: true,
    })
    const id = fake.coupons.get('cb-fixd0001')!.id
    expect(calls(from)).toEqual(['POST /wp-json/wc/v3/coupons', `PUT /wp-json/wc/v3/coupons/${id}`])
    expect(JSON.parse(fake.requests.at(-1)!.body)).toEqual({
      date_expires: '2026-12-01T00:00:00Z',
      email_restrictions: [],
      usage_limit: 1,
    })
    expect(fake.coupons.get('cb-fixd0001')).toMatchObject({
      date_expires_gmt: '2026-12-01T00:00:00',
      usage_limit: 1,
      email_restrictions: [],
    })
  })

  it('fails for good when the shop never keeps the expiry, so no endless discount is sent', async () => {
    fake.mode.expiry = 'never_stored'
    const result = await wooCoupons().create(shop(), coupon('CB-NEVR0001'))
    expect(result).toMatchObject({ ok: false, retryable: false, code: 'coupon_expiry_not_stored' })
    expect(fake.requests.at(-1)!.method).toBe('PUT')
  })

  it('finds an older Cartback coupon by its code on "already exists" and repairs it', async () => {
    // What Cartback sent before issue 11: date_expires_gmt (dropped) and an email restriction.
    await fetch(`${fake.url}/wp-json/wc/v3/coupons`, {
      method: 'POST',
      headers: { authorization: AUTH },
      body: JSON.stringify({
        code: 'CB-OLDC0001',
        date_expires_gmt: '2026-12-01T00:00:00',
        email_restrictions: ['ada@example.com'],
      }),
    })
    const old = fake.coupons.get('cb-oldc0001')!
    expect(old).toMatchObject({ date_expires_gmt: null, email_restrictions: ['ada@example.com'] })
    const from = fake.requests.length
    expect(await wooCoupons().create(shop(), coupon('CB-OLDC0001'))).toEqual({
      ok: true,
      code: 'CB-OLDC0001',
      created: false,
      repaired: true,
    })
    expect(calls(from)).toEqual([
      'POST /wp-json/wc/v3/coupons',
      'GET /wp-json/wc/v3/coupons?code=CB-OLDC0001',
      `PUT /wp-json/wc/v3/coupons/${old.id}`,
    ])
    expect(fake.coupons.get('cb-oldc0001')).toMatchObject({
      id: old.id,
      date_expires_gmt: '2026-12-01T00:00:00',
      usage_limit: 1,
      email_restrictions: [],
    })
  })

  it('checks the existing coupon on a retry ("already exists") and never makes a second one', async () => {
    await wooCoupons().create(shop(), coupon('CB-BBBB2222'))
    const from = fake.requests.length
    expect(await wooCoupons().create(shop(), coupon('CB-BBBB2222'))).toEqual({
      ok: true,
      code: 'CB-BBBB2222',
      created: false,
    })
    expect(calls(from)).toEqual([
      'POST /wp-json/wc/v3/coupons',
      'GET /wp-json/wc/v3/coupons?code=CB-BBBB2222',
    ])
    expect([...fake.coupons.keys()].filter((k) => k === 'cb-bbbb2222')).toHaveLength(1)
  })

  it('gives up on a hung repair after its timeout, as a retryable failure', async () => {
    fake.mode.expiry = 'dropped_on_create'
    fake.mode.hangOn = 'PUT'
    const started = Date.now()
    const result = await wooCoupons({ timeoutMs: 200 }).create(shop(), coupon('CB-HUNG0001'))
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(result).toMatchObject({ ok: false, retryable: true, code: 'timeout' })
    // The retry finds the coupon ("already exists") and repairs it.
    fake.mode.hangOn = null
    expect(await wooCoupons().create(shop(), coupon('CB-HUNG0001'))).toMatchObject({
      ok: true,
      created: false,
      repaired: true,
    })
  })

  it('classifies bad credentials as permanent and an outage as retryable', async () => {
    const wrong = await wooCoupons().create(
      { ...shop(), consumerSecret: 'nope' },
      coupon('CB-CCCC3333'),
    )
    expect(wrong).toMatchObject({
      ok: false,
      retryable: false,
      code: 'woocommerce_rest_cannot_create',
    })
    expect(await wooCoupons().create(shop(), coupon('DOWN-1'))).toMatchObject({
      ok: false,
      retryable: true,
    })
  })

  it.each([
    ['pretty permalinks', '/shop/wp-json/', (r: string) => `/shop/wp-json/${r}`],
    [
      'plain permalinks',
      '/shop/?rest_route=/',
      (r: string) => `/shop/?rest_route=${encodeURIComponent(`/${r}`)}`,
    ],
  ])(
    'uses the REST root the plugin reported (%s), for the lookup and the repair too',
    async (_n, root, at) => {
      // An older coupon under the same code: POST says "already exists", then GET ?code= and PUT.
      await fetch(`${fake.url}/wp-json/wc/v3/coupons`, {
        method: 'POST',
        headers: { authorization: AUTH },
        body: JSON.stringify({ code: `CB-ROOT${root.length}` }),
      })
      const old = fake.coupons.get(`cb-root${root.length}`)!
      const from = fake.requests.length
      const result = await wooCoupons().create(
        { ...shop(), url: 'https://elsewhere.example/', restRoot: `${fake.url}${root}` },
        coupon(`CB-ROOT${root.length}`),
      )
      expect(result).toMatchObject({ ok: true, created: false, repaired: true })
      const code = `code=CB-ROOT${root.length}`
      const plain = root.includes('rest_route')
      expect(calls(from)).toEqual([
        `POST ${at('wc/v3/coupons')}`,
        `GET ${at('wc/v3/coupons')}${plain ? '&' : '?'}${code}`,
        `PUT ${at(`wc/v3/coupons/${old.id}`)}`,
      ])
    },
  )

  it('keeps the https rule for a reported REST root', async () => {
    const before = fake.requests.length
    const result = await wooCoupons().create(
      { ...shop(), restRoot: 'http://shop.example/?rest_route=/' },
      coupon('CB-EEEE6666'),
    )
    expect(result).toMatchObject({ ok: false, retryable: false, code: 'https_required' })
    expect(fake.requests.length).toBe(before)
  })

  it('never sends the REST keys to a shop on plain http (WooCommerce wants HTTPS)', async () => {
    const before = fake.requests.length
    const result = await wooCoupons().create(
      { ...shop(), url: 'http://shop.example/' },
      coupon('CB-EEEE5555'),
    )
    expect(result).toMatchObject({ ok: false, retryable: false, code: 'https_required' })
    expect(fake.requests.length).toBe(before)
  })

  it('gives up on a hung shop after its timeout, as a retryable failure', async () => {
    const hung = await hungServer()
    try {
      const started = Date.now()
      const result = await wooCoupons({ timeoutMs: 200 }).create(
        { ...shop(), url: `${hung.url}/` },
        coupon('CB-DDDD4444'),
      )
      expect(Date.now() - started).toBeGreaterThanOrEqual(190)
      expect(Date.now() - started).toBeLessThan(5_000)
      // A retry asks for the same code, and "already exists" finds and checks that coupon.
      expect(result).toMatchObject({ ok: false, retryable: true, code: 'timeout' })
      expect(hung.requests[0]?.path).toBe('/wp-json/wc/v3/coupons')
    } finally {
      await hung.close()
    }
  })
})
