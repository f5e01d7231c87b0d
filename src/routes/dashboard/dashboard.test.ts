import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import * as session from '#test/dashboard-session'
import { api, call, createStore } from '#test/helpers'

describe('dashboard login', () => {
  it('sends a visitor without a session to the login page, and back after logging in', async () => {
    const res = await call('/tokens', { redirect: 'manual' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/login?next=%2Ftokens')
    const f = await session.loginForm()
    const ok = await session.postLogin(f, { ...session.OWNER, next: '/tokens' })
    expect(ok.headers.get('location')).toBe('/tokens')
  })

  it('serves the login page with a nonce-based CSP and a CSRF token', async () => {
    const { res, html, csrf } = await session.loginForm()
    expect(res.status).toBe(200)
    const csp = res.headers.get('content-security-policy') ?? ''
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
    expect(nonce).toBeTruthy()
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(html).toContain(`<style nonce="${nonce}">`)
    expect(csrf).toMatch(/^[\w-]{43}$/)
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('sets a signed, HttpOnly, Secure, SameSite session cookie with an expiry', async () => {
    const f = await session.loginForm()
    const res = await session.postLogin(f, session.OWNER)
    expect(res.status).toBe(303)
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-cb_session='))
    expect(cookie).toMatch(/; Path=\/; Expires=.+; HttpOnly; Secure; SameSite=Lax/)
    const page = await session.get('/', session.jar(res, f.cookies))
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<h1>Overview</h1>')
  })

  it('refuses a wrong password with 401 and no session, and a tampered cookie', async () => {
    const f = await session.loginForm()
    const res = await session.postLogin(f, { ...session.OWNER, password: 'wrong' })
    expect(res.status).toBe(401)
    expect(await res.text()).toContain('That email and password do not match.')
    expect(res.headers.getSetCookie().some((c) => c.startsWith('__Host-cb_session='))).toBe(false)
    const cookies = await session.signIn()
    const forged = {
      ...cookies,
      '__Host-cb_session': `${cookies['__Host-cb_session']?.split('.')[0]}.AAAA`,
    }
    expect((await session.get('/', forged)).status).toBe(303)
  })

  it('refuses a login form that did not come from the login page', async () => {
    const f = await session.loginForm()
    expect((await session.postLogin({ ...f, csrf: 'forged' }, session.OWNER)).status).toBe(403)
    expect((await session.postLogin({ cookies: {}, csrf: f.csrf }, session.OWNER)).status).toBe(403)
  })

  it('slows down password guessing: the sixth try in a minute gets 429', async () => {
    const from = session.ip()
    const f = await session.loginForm(from)
    const statuses: number[] = []
    // Another account than the owner's, which the per-account back-off would then lock for the
    // tests that follow (login-throttle.test.ts).
    const email = 'guessed@example.com'
    for (let i = 0; i < 6; i++)
      statuses.push((await session.postLogin(f, { email, password: `guess${i}` }, from)).status)
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429])
  })

  it('never redirects to another site after login', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil.example']) {
      const f = await session.loginForm()
      const res = await session.postLogin(f, { ...session.OWNER, next })
      expect(res.headers.get('location'), next).toBe('/')
    }
  })

  it('logs out with a CSRF-protected form, and the session is over', async () => {
    const cookies = await session.signIn()
    // A forged form without the token: refused, still signed in.
    expect((await session.post('/logout', cookies, {})).status).toBe(403)
    expect((await session.get('/', cookies)).status).toBe(200)
    const page = await (await session.get('/', cookies)).text()
    const out = await session.post('/logout', cookies, { _csrf: session.hidden(page, '_csrf') })
    expect(out.status).toBe(303)
    expect((await session.get('/', cookies)).status).toBe(303)
  })
})

describe('overview', () => {
  it('shows store names as text, never as markup', async () => {
    await createStore({ name: '<script>alert(1)</script>"><img src=x onerror=alert(2)>' })
    const html = await (await session.get('/', await session.signIn())).text()
    expect(html).not.toContain('<script>alert(1)</script>')
    expect(html).not.toContain('<img src=x')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('answers a bad date range with the default range rather than an error', async () => {
    const res = await session.get(
      '/?from=2026-13-40&to=nope&store=st_missing',
      await session.signIn(),
    )
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Abandoned and recovered per day')
  })
})

describe('outbox', () => {
  it('refuses a filter it cannot read with 400 in plain words', async () => {
    const res = await session.get('/outbox?channel=fax', await session.signIn())
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('That outbox filter is not valid.')
  })
})

describe('API tokens', () => {
  const asToken = (t: string, path = '/stores', init: RequestInit = {}) =>
    call(`/api/v1${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' },
    })

  it('creates a token shown once, which the API accepts until it is revoked', async () => {
    const cookies = await session.signIn()
    const page = await (await session.get('/tokens', cookies)).text()
    const csrf = session.hidden(page, '_csrf')
    const created = await session.post('/tokens', cookies, {
      _csrf: csrf,
      name: 'Exports',
      store: '*',
      access: 'write',
    })
    const html = await created.text()
    const token = /<code id="new-token">([^<]+)<\/code>/.exec(html)?.[1]
    expect(token).toMatch(/^cb_live_[0-9A-Za-z]{32}$/)
    expect((await asToken(token!)).status).toBe(200)
    const id = /action="\/tokens\/(tok_[^/]+)\/revoke"/.exec(html)?.[1]
    expect((await session.post(`/tokens/${id}/revoke`, cookies, { _csrf: csrf })).status).toBe(303)
    expect((await asToken(token!)).status).toBe(401)
    // The admin token still works.
    expect((await api('/stores')).status).toBe(200)
  })

  it('creates a read-only token for one store, and lists its scope', async () => {
    const [mine, other] = [await createStore({ name: 'Scoped Shop' }), await createStore()]
    const cookies = await session.signIn()
    const csrf = session.hidden(await (await session.get('/tokens', cookies)).text(), '_csrf')
    const html = await (
      await session.post('/tokens', cookies, {
        _csrf: csrf,
        name: 'Scoped reader',
        store: mine.id,
        access: 'read',
      })
    ).text()
    const token = /<code id="new-token">([^<]+)<\/code>/.exec(html)?.[1] ?? ''
    const row = /<tr><td>Scoped reader<\/td>.*?<\/tr>/s.exec(html)?.[0] ?? ''
    expect(row).toContain('<td>Scoped Shop</td>')
    expect(row).toContain('read-only')
    const list = (await (await asToken(token)).json()) as { stores: { id: string }[] }
    expect(list.stores.map((s) => s.id)).toEqual([mine.id])
    expect((await asToken(token, `/stores/${other.id}`)).status).toBe(404)
    const write = await asToken(token, `/stores/${mine.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ name: 'Renamed' }),
    })
    expect(write.status).toBe(403)
  })

  it.each([
    ['no store', { name: 'A', access: 'read' }],
    ['an unknown store', { name: 'A', store: 'st_missing', access: 'read' }],
    ['an unknown access level', { name: 'A', store: '*', access: 'admin' }],
    ['no name', { name: ' ', store: '*', access: 'read' }],
  ])('refuses a token form with %s, creating nothing', async (_n, fields) => {
    const cookies = await session.signIn()
    const csrf = session.hidden(await (await session.get('/tokens', cookies)).text(), '_csrf')
    const before = (await env.DB.prepare('SELECT COUNT(*) AS n FROM api_tokens').first())?.n
    const res = await session.post('/tokens', cookies, { _csrf: csrf, ...fields })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('a store and an access level')
    expect((await env.DB.prepare('SELECT COUNT(*) AS n FROM api_tokens').first())?.n).toBe(before)
  })

  it('refuses a token form without the CSRF token', async () => {
    const cookies = await session.signIn()
    const res = await session.post('/tokens', cookies, {
      name: 'Sneaky',
      store: '*',
      access: 'write',
    })
    expect(res.status).toBe(403)
  })
})
