// WordPress connect (issue 13, CONTRACT-13): connect codes, the plugin's exchange, WooCommerce's
// app-authorization callback and the disconnect, through the whole Worker on migrated D1.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { api, call, createStore, errorOf } from '#test/helpers'
import { consumerData, postConsumerData } from '#test/wc-auth'
import { woocommerceKeys } from '../db/stores'
import { signConnectState } from '../lib/connect-state'

let ips = 0
const ip = () => `2001:db8:c0::${(++ips).toString(16)}`

type Connected = {
  storeId: string
  storeName: string
  publishableKey: string
  webhookSecret: string
  apiToken: string
  scriptUrl: string
  apiBase: string
  consentText: string
  wcAuth: { appName: string; scope: string; userId: string; callbackUrl: string }
}

const SITE = {
  siteUrl: 'https://wp.example/',
  currency: 'USD',
  restRoot: 'https://wp.example/wp-json/',
  pluginVersion: '1.0.0',
}

async function issue(storeId: string) {
  const res = await api(`/stores/${storeId}/connect-codes`, { method: 'POST' })
  expect(res.status).toBe(201)
  return res.json<{ code: string; expiresAt: string }>()
}

function exchange(body: unknown, from = ip()) {
  return call('/v1/connect', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': from },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

async function connected(storeId: string): Promise<Connected> {
  const { code } = await issue(storeId)
  const res = await exchange({ code, ...SITE })
  expect(res.status).toBe(200)
  return res.json<Connected>()
}

const as = (token: string, path: string, init: RequestInit = {}) =>
  call(`/api/v1${path}`, { ...init, headers: { Authorization: `Bearer ${token}` } })

const keysOf = (storeId: string) => woocommerceKeys(env.DB, storeId, env.SIGNING_SECRET)
const tokenCount = async () =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM api_tokens').first<{ n: number }>())?.n

describe('connect codes', () => {
  it('are cbc_ codes for ten minutes, kept only as a hash', async () => {
    const store = await createStore()
    const before = Date.now()
    const { code, expiresAt } = await issue(store.id)
    expect(code).toMatch(/^cbc_[A-Za-z0-9]{24}$/)
    const ttl = Date.parse(expiresAt) - before
    expect(ttl).toBeGreaterThanOrEqual(10 * 60_000)
    expect(ttl).toBeLessThan(10 * 60_000 + 5_000)
    const rows = await env.DB.prepare('SELECT * FROM connect_codes WHERE store_id = ?')
      .bind(store.id)
      .all()
    expect(rows.results).toHaveLength(1)
    expect(JSON.stringify(rows.results)).not.toContain(code)
  })

  it('replace the store’s earlier code: one live code per store', async () => {
    const store = await createStore()
    const first = await issue(store.id)
    const second = await issue(store.id)
    expect((await exchange({ code: first.code, ...SITE })).status).toBe(404)
    expect((await exchange({ code: second.code, ...SITE })).status).toBe(200)
  })
})

describe('POST /v1/connect', () => {
  it('gives the plugin the store’s keys and a token for that store only', async () => {
    const [store, other] = [await createStore(), await createStore()]
    const c = await connected(store.id)
    expect(c).toMatchObject({
      storeId: store.id,
      storeName: store.name,
      publishableKey: store.publishableKey,
      webhookSecret: store.woocommerceWebhookSecret,
      scriptUrl: 'https://cartback.test/v1/cartback.js',
      apiBase: 'https://cartback.test/api/v1',
      wcAuth: { appName: 'Cartback', scope: 'read_write', userId: store.id },
    })
    expect(c.consentText).toContain(store.name)
    expect(c.apiToken).toMatch(/^cb_live_/)
    expect(c.wcAuth.callbackUrl).toMatch(
      new RegExp(`^https://cartback\\.test/v1/connect/wc-auth/${store.id}/[\\w-]+\\.[\\w-]+$`),
    )
    expect((await call(new URL(c.scriptUrl).pathname)).status).toBe(200)
    // Read and write on its store; the other store does not exist for it.
    expect((await as(c.apiToken, `/stores/${store.id}`)).status).toBe(200)
    expect(
      (await as(c.apiToken, `/stores/${store.id}/connect-codes`, { method: 'POST' })).status,
    ).toBe(201)
    expect((await as(c.apiToken, `/stores/${other.id}`)).status).toBe(404)
    expect((await as(c.apiToken, '/stores', { method: 'POST' })).status).toBe(403)
    const tokens = await env.DB.prepare(
      'SELECT name, store_id, access FROM api_tokens WHERE store_id = ? AND revoked_at IS NULL',
    )
      .bind(store.id)
      .all()
    expect(tokens.results).toEqual([
      { name: 'WordPress plugin (wp.example)', store_id: store.id, access: 'write' },
    ])
  })

  it('records the site and lets the storefront script post from its origin', async () => {
    const store = await createStore()
    await connected(store.id)
    const row = await env.DB.prepare('SELECT * FROM store_connections WHERE store_id = ?')
      .bind(store.id)
      .first()
    expect(row).toMatchObject({
      site_url: SITE.siteUrl,
      rest_root: SITE.restRoot,
      plugin_version: '1.0.0',
      currency: 'USD',
    })
    const after = await (await api(`/stores/${store.id}`)).json<{ allowedOrigins: string[] }>()
    expect(after.allowedOrigins).toEqual([...store.allowedOrigins, 'https://wp.example'])
  })

  it('revokes the previous plugin token on a new connect', async () => {
    const store = await createStore()
    const first = await connected(store.id)
    const second = await connected(store.id)
    expect((await as(first.apiToken, `/stores/${store.id}`)).status).toBe(401)
    expect((await as(second.apiToken, `/stores/${store.id}`)).status).toBe(200)
  })

  it('refuses a used, an expired and an unknown code with one message', async () => {
    const store = await createStore()
    const used = await issue(store.id)
    expect((await exchange({ code: used.code, ...SITE })).status).toBe(200)
    const expired = await issue(store.id)
    await env.DB.prepare('UPDATE connect_codes SET expires_at = ? WHERE store_id = ?')
      .bind(Date.now() - 1, store.id)
      .run()
    const tokens = await tokenCount()
    const refusals = [used.code, expired.code, `cbc_${'x'.repeat(24)}`]
    const errors = []
    for (const code of refusals) {
      const res = await exchange({ code, ...SITE })
      expect(res.status).toBe(404)
      errors.push(await errorOf(res))
    }
    expect(new Set(errors.map((e) => `${e.code}: ${e.message}`))).toEqual(
      new Set([
        'NOT_FOUND: This connect code is unknown, used or expired. Issue a new one in Settings.',
      ]),
    )
    expect(await tokenCount()).toBe(tokens)
  })

  it('lets exactly one of three concurrent exchanges of a code through', async () => {
    const store = await createStore()
    const { code } = await issue(store.id)
    const statuses = await Promise.all([
      exchange({ code, ...SITE }),
      exchange({ code, ...SITE }),
      exchange({ code, ...SITE }),
    ]).then((all) => all.map((r) => r.status))
    expect(statuses.sort()).toEqual([200, 404, 404])
    const live = await env.DB.prepare(
      'SELECT COUNT(*) AS n FROM api_tokens WHERE store_id = ? AND revoked_at IS NULL',
    )
      .bind(store.id)
      .first<{ n: number }>()
    expect(live?.n).toBe(1)
  })

  it.each([
    ['no code', { ...SITE }],
    ['a site that is not a URL', { code: 'c', ...SITE, siteUrl: 'wp.example' }],
    ['a javascript: REST root', { code: 'c', ...SITE, restRoot: 'javascript:alert(1)' }],
    ['an unknown currency', { code: 'c', ...SITE, currency: 'XYZ' }],
    ['no plugin version', { code: 'c', ...SITE, pluginVersion: '' }],
    ['not an object', [1, 2]],
    ['broken JSON', '{"code":'],
  ])('refuses %s with 400 and leaves the code usable', async (_n, body) => {
    const store = await createStore()
    const { code } = await issue(store.id)
    const bad =
      typeof body === 'object' && !Array.isArray(body) && 'code' in body ? { ...body, code } : body
    const res = await exchange(bad)
    expect(res.status).toBe(400)
    expect((await errorOf(res)).code).toBe('BAD_REQUEST')
    expect((await exchange({ code, ...SITE })).status).toBe(200)
  })

  it('refuses a body that is not JSON with 415', async () => {
    const res = await call('/v1/connect', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'CF-Connecting-IP': ip() },
      body: 'code=cbc_x',
    })
    expect(res.status).toBe(415)
  })

  it('limits guesses per client address', async () => {
    const from = ip()
    const statuses = []
    for (let i = 0; i < 7; i++) {
      statuses.push((await exchange({ code: `cbc_guess${i}`, ...SITE }, from)).status)
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429])
    expect((await exchange({ code: 'cbc_guess', ...SITE }, ip())).status).toBe(404)
  })
})

describe('the wc-auth callback', () => {
  it('stores the keys WooCommerce posts, sealed for the store, and answers 200', async () => {
    const store = await createStore()
    const c = await connected(store.id)
    const data = consumerData(c.wcAuth.userId)
    const res = await postConsumerData(c.wcAuth.callbackUrl, data)
    expect(res.status).toBe(200)
    expect(await keysOf(store.id)).toEqual({
      status: 'ok',
      url: store.url,
      consumerKey: data.consumer_key,
      consumerSecret: data.consumer_secret,
    })
    const raw = await env.DB.prepare('SELECT woocommerce_api FROM stores WHERE id = ?')
      .bind(store.id)
      .first<{ woocommerce_api: string }>()
    expect(raw?.woocommerce_api).toMatch(/^v2\./)
    expect(raw?.woocommerce_api).not.toContain(data.consumer_secret)
  })

  it('refuses a tampered, expired, other-store or superseded state with 401', async () => {
    const [store, other] = [await createStore(), await createStore()]
    const c = await connected(store.id)
    const o = await connected(other.id)
    const url = new URL(c.wcAuth.callbackUrl)
    const state = url.pathname.split('/').pop() ?? ''
    const tokenId = (
      await env.DB.prepare('SELECT token_id FROM store_connections WHERE store_id = ?')
        .bind(store.id)
        .first<{ token_id: string }>()
    )?.token_id as string
    const expired = await signConnectState(env.SIGNING_SECRET, {
      storeId: store.id,
      tokenId,
      exp: Math.floor(Date.now() / 1000) - 1,
    })
    const flip = (s: string) => s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1)
    const base = 'https://cartback.test/v1/connect/wc-auth'
    const urls = [
      `${base}/${store.id}/${flip(state)}`,
      `${base}/${store.id}/${expired}`,
      `${base}/${other.id}/${state}`,
      `${base}/${store.id}/${o.wcAuth.callbackUrl.split('/').pop()}`,
      `${base}/${store.id}/not-a-state`,
    ]
    for (const u of urls) {
      const res = await postConsumerData(u, consumerData(store.id))
      expect(res.status).toBe(401)
      expect((await errorOf(res)).code).toBe('UNAUTHORIZED')
    }
    // A reconnect issues a new state; the old one no longer fits the connection.
    await connected(store.id)
    expect((await postConsumerData(c.wcAuth.callbackUrl, consumerData(store.id))).status).toBe(401)
    expect(await keysOf(store.id)).toEqual({ status: 'not_set' })
    expect(await keysOf(other.id)).toEqual({ status: 'not_set' })
  })

  it.each([
    ['read-only keys', (id: string) => consumerData(id, 'read')],
    ['keys for another user id', () => consumerData('st_someone_else')],
    [
      'a consumer key of another form',
      (id: string) => ({ ...consumerData(id), consumer_key: 'x' }),
    ],
    ['no key id', (id: string) => ({ ...consumerData(id), key_id: undefined })],
    ['broken JSON', () => '{"key_id":'],
  ])('refuses %s with 400 and stores nothing', async (_n, body) => {
    const store = await createStore()
    const c = await connected(store.id)
    const res = await postConsumerData(c.wcAuth.callbackUrl, body(store.id))
    expect(res.status).toBe(400)
    expect((await errorOf(res)).code).toBe('BAD_REQUEST')
    expect(await keysOf(store.id)).toEqual({ status: 'not_set' })
  })
})

describe('DELETE /api/v1/stores/:storeId/connection', () => {
  it('forgets the WooCommerce keys and revokes the plugin token', async () => {
    const store = await createStore()
    const c = await connected(store.id)
    expect((await postConsumerData(c.wcAuth.callbackUrl, consumerData(store.id))).status).toBe(200)
    const res = await as(c.apiToken, `/stores/${store.id}/connection`, { method: 'DELETE' })
    expect(res.status).toBe(204)
    expect(await keysOf(store.id)).toEqual({ status: 'not_set' })
    expect((await as(c.apiToken, `/stores/${store.id}`)).status).toBe(401)
    // The authorization link dies with the connection.
    expect((await postConsumerData(c.wcAuth.callbackUrl, consumerData(store.id))).status).toBe(401)
    const again = await api(`/stores/${store.id}/connection`, { method: 'DELETE' })
    expect(again.status).toBe(204)
  })
})
