import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hungServer } from '../../../test/fakes/http'
import { fakeWooCommerce } from '../../../test/fakes/woocommerce'
import type { Coupon } from './types'
import { wooCoupons } from './woocommerce'

let fake: Awaited<ReturnType<typeof fakeWooCommerce>>
beforeAll(async () => {
  fake = await fakeWooCommerce()
})
afterAll(() => fake.close())

const coupon = (code: string): Coupon => ({
  code,
  kind: 'percent',
  amount: '10',
  expiresAt: Date.parse('2026-12-01T00:00:00Z'),
  description: 'Cartback: cart recovery, step email-72h',
})
const shop = () => ({ url: `${fake.url}/`, consumerKey: 'ck_test', consumerSecret: 'cs_test' })

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
      headers: { authorization: `Basic ${Buffer.from('ck_test:cs_test').toString('base64')}` },
      body: JSON.stringify({ code: 'OLD-WAY', date_expires_gmt: '2026-12-01T00:00:00' }),
    })
    expect(await res.json()).toMatchObject({ date_expires: null, date_expires_gmt: null })
  })

  it('counts "already exists" as created, so a retry never makes a second coupon', async () => {
    await wooCoupons().create(shop(), coupon('CB-BBBB2222'))
    expect(await wooCoupons().create(shop(), coupon('CB-BBBB2222'))).toEqual({
      ok: true,
      code: 'CB-BBBB2222',
      created: false,
    })
    expect([...fake.coupons.keys()].filter((k) => k === 'cb-bbbb2222')).toHaveLength(1)
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
      // A retry asks for the same code, and "already exists" counts as created.
      expect(result).toMatchObject({ ok: false, retryable: true, code: 'timeout' })
      expect(hung.requests[0]?.path).toBe('/wp-json/wc/v3/coupons')
    } finally {
      await hung.close()
    }
  })
})
