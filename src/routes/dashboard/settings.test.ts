import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import * as session from '#test/dashboard-session'
import { api, call, createStore } from '#test/helpers'
import type { Store } from '../../db/stores'

const page = (storeId: string) => session.openPage(`/settings?store=${storeId}`)

const stored = async (id: string) => (await api(`/stores/${id}`)).json<Store>()

describe('dashboard settings', () => {
  it('shows the webhook URLs and which secrets are set, never a secret value', async () => {
    const store = await createStore()
    const { html } = await page(store.id)
    expect(html).toContain(`https://cartback.test/webhooks/woocommerce/${store.id}`)
    expect(html).toContain(`https://cartback.test/webhooks/twilio/${store.id}`)
    expect(html).toContain(store.publishableKey)
    expect(html).toMatch(/TWILIO_AUTH_TOKEN<\/td><td><span class="badge ok">set/)
    expect(html).toMatch(/RESEND_API_KEY<\/td><td><span class="badge muted">not set/)
    for (const secret of ['test-twilio-token', 'test-signing-secret', 'test-admin-token']) {
      expect(html).not.toContain(secret)
    }
  })

  it('saves a section in the units it shows, and refuses bad values field by field', async () => {
    const store = await createStore()
    const { cookies, csrf } = await page(store.id)
    const timing = {
      _csrf: csrf,
      section: 'timing',
      inactivity: '45',
      inactivityUnit: 'minutes',
      restoreTtl: '10',
      restoreTtlUnit: 'days',
      attributionWindow: '7',
      attributionWindowUnit: 'days',
      'attribution.emailWindow': '120',
      'attribution.emailWindowUnit': 'hours',
      'attribution.smsWindow': '24',
      'attribution.smsWindowUnit': 'hours',
      defaultCountry: 'gb',
      retentionDays: '',
    }
    const ok = await session.post(`/settings/${store.id}`, cookies, timing)
    expect(ok.status).toBe(303)
    const saved = await stored(store.id)
    expect(saved.settings).toMatchObject({
      inactivitySeconds: 2700,
      restoreTtlSeconds: 864_000,
      defaultCountry: 'GB',
      retentionDays: null,
    })
    const bad = await session.post(`/settings/${store.id}`, cookies, {
      ...timing,
      inactivity: 'soon',
      restoreTtl: '365',
    })
    expect(bad.status).toBe(400)
    const html = await bad.text()
    expect(html).toContain('Nothing was saved')
    expect(html).toContain('Enter a number.')
    expect(html).toContain('At most 90 days.')
    expect(html).toContain('value="soon"')
    expect((await stored(store.id)).settings.inactivitySeconds).toBe(2700)
  })

  it('saves a value set through the API back unchanged when the form is saved as shown', async () => {
    const store = await createStore({
      settings: { restoreTtlSeconds: 3600, inactivitySeconds: 90 },
    })
    const { cookies, csrf, html } = await page(store.id)
    // Post the timing form exactly as the page shows it.
    const form = /<form[^>]*#timing[^>]*>([\s\S]*?)<\/form>/.exec(html)?.[1] ?? ''
    const body: Record<string, string> = { _csrf: csrf }
    for (const m of form.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
      body[m[1] as string] = m[2] as string
    }
    for (const m of form.matchAll(
      /<select[^>]*name="([^"]+)"[^>]*>[\s\S]*?<option value="([^"]+)" selected/g,
    )) {
      body[m[1] as string] = m[2] as string
    }
    expect(body.restoreTtlUnit).toBe('hours')
    const res = await session.post(`/settings/${store.id}`, cookies, body)
    expect(res.status).toBe(303)
    const { settings } = await stored(store.id)
    expect(settings.restoreTtlSeconds).toBe(3600)
    expect(settings.inactivitySeconds).toBe(90)
  })

  it('clears a sender field left blank and keeps the knowledge base the form sends', async () => {
    const store = await createStore({
      settings: { sender: { fromEmail: 'a@shop.example', replyTo: 'r@shop.example' } },
    })
    const { cookies, csrf } = await page(store.id)
    const res = await session.post(`/settings/${store.id}`, cookies, {
      _csrf: csrf,
      section: 'sender',
      'sender.fromEmail': 'hello@shop.example',
      'sender.replyTo': '',
      'sender.accentColor': '#112233',
      'sms.doubleOptIn': 'on',
    })
    expect(res.status).toBe(303)
    const { settings } = await stored(store.id)
    expect(settings.sender).toEqual({ fromEmail: 'hello@shop.example', accentColor: '#112233' })
    const kb = await session.post(`/settings/${store.id}`, cookies, {
      _csrf: csrf,
      section: 'assistant',
      'ai.enabled': 'on',
      'ai.model': '@cf/meta/llama-3.3-70b-instruct-fp8-fast',
      'ai.incentiveKind': 'percent',
      'ai.incentive.amount': '10',
      'ai.incentiveValid': '3',
      'ai.incentiveValidUnit': 'days',
      'knowledgeBase.shipping': 'We ship to Canada in 5-8 days.',
      'knowledgeBase.faq.0.q': 'Gift wrap?',
      'knowledgeBase.faq.0.a': 'Yes, free.',
      'knowledgeBase.faq.1.q': '',
      'knowledgeBase.faq.1.a': '',
    })
    expect(kb.status).toBe(303)
    const after = (await stored(store.id)).settings
    expect(after.knowledgeBase).toEqual({
      shipping: 'We ship to Canada in 5-8 days.',
      faq: [{ q: 'Gift wrap?', a: 'Yes, free.' }],
    })
    expect(after.ai.incentive).toEqual({ kind: 'percent', amount: 10, validForSeconds: 259_200 })
  })

  it("puts an FAQ entry's error on its own row, blank rows above it notwithstanding", async () => {
    const store = await createStore()
    const { cookies, csrf } = await page(store.id)
    const res = await session.post(`/settings/${store.id}`, cookies, {
      _csrf: csrf,
      section: 'assistant',
      'ai.enabled': 'on',
      'ai.model': '@cf/meta/llama-3.3-70b-instruct-fp8-fast',
      'knowledgeBase.faq.0.q': '',
      'knowledgeBase.faq.0.a': '',
      'knowledgeBase.faq.1.q': '',
      'knowledgeBase.faq.1.a': 'An answer without its question',
    })
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('id="knowledgeBase-faq-1-q-error"')
    expect(html).not.toContain('id="knowledgeBase-faq-0-q-error"')
  })

  it('adds a store with fresh keys, its own origin allowed, and refuses a bad one', async () => {
    const store = await createStore()
    const { cookies, csrf } = await page(store.id)
    const bad = await session.post('/settings/new', cookies, {
      _csrf: csrf,
      name: 'Second shop',
      url: 'not a url',
      currency: 'ABC',
    })
    expect(bad.status).toBe(400)
    const html = await bad.text()
    expect(html).toContain('The store was not created')
    expect(html).toContain('id="currency-error"')
    expect(html).toContain('value="Second shop"')
    const ok = await session.post('/settings/new', cookies, {
      _csrf: csrf,
      name: 'Second shop',
      url: 'https://second.example/shop/',
      currency: 'eur',
    })
    expect(ok.status).toBe(303)
    const id = /store=([\w-]+)/.exec(ok.headers.get('location') ?? '')?.[1] ?? ''
    const created = await stored(id)
    expect(created).toMatchObject({
      name: 'Second shop',
      currency: 'EUR',
      allowedOrigins: ['https://second.example'],
    })
    expect(created.publishableKey).toMatch(/^pk_/)
    const shown = await (await session.get(ok.headers.get('location') ?? '', cookies)).text()
    expect(shown).toContain('Store created.')
  })

  it('refuses an origin that is not one, and an unknown section', async () => {
    const store = await createStore()
    const { cookies, csrf } = await page(store.id)
    const res = await session.post(`/settings/${store.id}`, cookies, {
      _csrf: csrf,
      section: 'store',
      name: 'Renamed',
      url: 'https://shop.example/',
      allowedOrigins: 'https://shop.example\nhttps://shop.example/checkout',
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('one per line')
    expect((await stored(store.id)).name).not.toBe('Renamed')
    const unknown = await session.post(`/settings/${store.id}`, cookies, {
      _csrf: csrf,
      section: 'nope',
    })
    expect(unknown.status).toBe(400)
  })

  it('issues a WordPress connect code once, with its expiry and the next step', async () => {
    const store = await createStore()
    const { cookies, csrf, html: before } = await page(store.id)
    expect(before).toContain('not connected')
    const codes = () =>
      env.DB.prepare('SELECT COUNT(*) AS n FROM connect_codes WHERE store_id = ?')
        .bind(store.id)
        .first<{ n: number }>()
    const forged = await session.post(`/settings/${store.id}/connect-code`, cookies, {
      _csrf: 'forged',
    })
    expect(forged.status).toBe(403)
    const signedOut = await session.post(`/settings/${store.id}/connect-code`, {}, { _csrf: csrf })
    expect(signedOut.status).toBe(303)
    expect((await codes())?.n).toBe(0)
    const res = await session.post(`/settings/${store.id}/connect-code`, cookies, { _csrf: csrf })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const html = await res.text()
    const code = /id="connect-code" class="grow mono" readonly="" value="(cbc_\w+)"/.exec(html)?.[1]
    expect(code).toMatch(/^cbc_/)
    expect(html).toMatch(/Works once, until \d{4}-\d\d-\d\d \d\d:\d\d UTC \(10 minutes\)/)
    expect(html).toContain('paste your Cartback URL <code>https://cartback.test</code>')
    // Shown once: the page opened again has no code on it.
    expect(await (await session.get(`/settings?store=${store.id}`, cookies)).text()).not.toContain(
      code,
    )
    const connect = await call('/v1/connect', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': '2001:db8:5e::1' },
      body: JSON.stringify({
        code,
        siteUrl: 'https://wp.example/',
        currency: 'USD',
        restRoot: 'https://wp.example/wp-json/',
        pluginVersion: '1.0.0',
      }),
    })
    expect(connect.status).toBe(200)
    const after = await (await session.get(`/settings?store=${store.id}`, cookies)).text()
    expect(after).toMatch(/connected<\/span> <code>https:\/\/wp.example\/<\/code>, plugin 1.0.0/)
  })
})
