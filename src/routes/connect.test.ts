// WordPress connect (issue 13): connect codes and the plugin's exchange, through the whole
// Worker on migrated D1.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import * as plugin from '#test/connect'
import { api, call, createStore, errorOf } from '#test/helpers'

describe('connect codes', () => {
  it('are cbc_ codes for ten minutes, kept only as a hash', async () => {
    const store = await createStore()
    const before = Date.now()
    const { code, expiresAt } = await plugin.issue(store.id)
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
    const first = await plugin.issue(store.id)
    const second = await plugin.issue(store.id)
    expect((await plugin.exchange({ code: first.code, ...plugin.SITE })).status).toBe(404)
    expect((await plugin.exchange({ code: second.code, ...plugin.SITE })).status).toBe(200)
  })
})

describe('POST /v1/connect', () => {
  it('gives the plugin the store’s keys and a token for that store only', async () => {
    const [store, other] = [await createStore(), await createStore()]
    const c = await plugin.connected(store.id)
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
    expect((await plugin.as(c.apiToken, `/stores/${store.id}`)).status).toBe(200)
    expect(
      (await plugin.as(c.apiToken, `/stores/${store.id}/connect-codes`, { method: 'POST' })).status,
    ).toBe(201)
    expect((await plugin.as(c.apiToken, `/stores/${other.id}`)).status).toBe(404)
    expect((await plugin.as(c.apiToken, '/stores', { method: 'POST' })).status).toBe(403)
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
    await plugin.connected(store.id)
    const row = await env.DB.prepare('SELECT * FROM store_connections WHERE store_id = ?')
      .bind(store.id)
      .first()
    expect(row).toMatchObject({
      site_url: plugin.SITE.siteUrl,
      rest_root: plugin.SITE.restRoot,
      plugin_version: '1.0.0',
      currency: 'USD',
    })
    const after = await (await api(`/stores/${store.id}`)).json<{ allowedOrigins: string[] }>()
    expect(after.allowedOrigins).toEqual([...store.allowedOrigins, 'https://wp.example'])
    // The plugin's status screen shows the site it connected.
    const status = await (await api(`/stores/${store.id}/connection`)).json()
    expect(status).toMatchObject({
      plugin: { siteUrl: plugin.SITE.siteUrl, version: '1.0.0', connectedAt: expect.any(String) },
    })
  })

  it('revokes the previous plugin token on a new connect', async () => {
    const store = await createStore()
    const first = await plugin.connected(store.id)
    const second = await plugin.connected(store.id)
    expect((await plugin.as(first.apiToken, `/stores/${store.id}`)).status).toBe(401)
    expect((await plugin.as(second.apiToken, `/stores/${store.id}`)).status).toBe(200)
  })

  it('refuses a used, an expired and an unknown code with one message', async () => {
    const store = await createStore()
    const used = await plugin.issue(store.id)
    expect((await plugin.exchange({ code: used.code, ...plugin.SITE })).status).toBe(200)
    const expired = await plugin.issue(store.id)
    await env.DB.prepare('UPDATE connect_codes SET expires_at = ? WHERE store_id = ?')
      .bind(Date.now() - 1, store.id)
      .run()
    const tokens = await plugin.tokenCount()
    const refusals = [used.code, expired.code, `cbc_${'x'.repeat(24)}`]
    const errors = []
    for (const code of refusals) {
      const res = await plugin.exchange({ code, ...plugin.SITE })
      expect(res.status).toBe(404)
      errors.push(await errorOf(res))
    }
    expect(new Set(errors.map((e) => `${e.code}: ${e.message}`))).toEqual(
      new Set([
        'NOT_FOUND: This connect code is unknown, used or expired. Issue a new one in Settings.',
      ]),
    )
    expect(await plugin.tokenCount()).toBe(tokens)
  })

  it('lets exactly one of three concurrent exchanges of a code through', async () => {
    const store = await createStore()
    const { code } = await plugin.issue(store.id)
    const statuses = await Promise.all([
      plugin.exchange({ code, ...plugin.SITE }),
      plugin.exchange({ code, ...plugin.SITE }),
      plugin.exchange({ code, ...plugin.SITE }),
    ]).then((all) => all.map((r) => r.status))
    expect(statuses.sort()).toEqual([200, 404, 404])
    const live = await env.DB.prepare(
      'SELECT COUNT(*) AS n FROM api_tokens WHERE store_id = ? AND revoked_at IS NULL',
    )
      .bind(store.id)
      .first<{ n: number }>()
    expect(live?.n).toBe(1)
  })

  it('writes nothing when any part of the connect fails: one batch', async () => {
    const store = await createStore()
    const first = await plugin.connected(store.id)
    const { code } = await plugin.issue(store.id)
    const tokens = await plugin.tokenCount()
    // The connection's upsert, late in the batch, fails; everything before it must roll back.
    await env.DB.exec(
      `CREATE TRIGGER fail_connect BEFORE UPDATE ON store_connections BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
    )
    try {
      const res = await plugin.exchange({ code, ...plugin.SITE, siteUrl: 'https://moved.example/' })
      expect(res.status).toBe(500)
    } finally {
      await env.DB.exec('DROP TRIGGER fail_connect')
    }
    expect(await plugin.tokenCount()).toBe(tokens)
    expect((await plugin.as(first.apiToken, `/stores/${store.id}`)).status).toBe(200)
    const after = await (await api(`/stores/${store.id}`)).json<{ allowedOrigins: string[] }>()
    expect(after.allowedOrigins).toEqual([...store.allowedOrigins, 'https://wp.example'])
    // The code was not used up: it still connects.
    expect((await plugin.exchange({ code, ...plugin.SITE })).status).toBe(200)
    expect((await plugin.as(first.apiToken, `/stores/${store.id}`)).status).toBe(401)
  })

  it.each([
    ['no code', { ...plugin.SITE }],
    ['a site that is not a URL', { code: 'c', ...plugin.SITE, siteUrl: 'wp.example' }],
    ['a javascript: REST root', { code: 'c', ...plugin.SITE, restRoot: 'javascript:alert(1)' }],
    ['an unknown currency', { code: 'c', ...plugin.SITE, currency: 'XYZ' }],
    ['no plugin version', { code: 'c', ...plugin.SITE, pluginVersion: '' }],
    ['not an object', [1, 2]],
    ['broken JSON', '{"code":'],
  ])('refuses %s with 400 and leaves the code usable', async (_n, body) => {
    const store = await createStore()
    const { code } = await plugin.issue(store.id)
    const bad =
      typeof body === 'object' && !Array.isArray(body) && 'code' in body ? { ...body, code } : body
    const res = await plugin.exchange(bad)
    expect(res.status).toBe(400)
    expect((await errorOf(res)).code).toBe('BAD_REQUEST')
    expect((await plugin.exchange({ code, ...plugin.SITE })).status).toBe(200)
  })

  it('refuses a body that is not JSON with 415', async () => {
    const res = await call('/v1/connect', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'CF-Connecting-IP': plugin.ip() },
      body: 'code=cbc_x',
    })
    expect(res.status).toBe(415)
  })

  it('limits guesses per client address', async () => {
    const from = plugin.ip()
    const statuses = []
    for (let i = 0; i < 7; i++) {
      statuses.push((await plugin.exchange({ code: `cbc_guess${i}`, ...plugin.SITE }, from)).status)
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429])
    expect((await plugin.exchange({ code: 'cbc_guess', ...plugin.SITE }, plugin.ip())).status).toBe(
      404,
    )
  })
})
