import { describe, expect, it } from 'vitest'
import { csrfOf, get, post, signIn } from '../../../test/dashboard-session'
import { api, createStore } from '../../../test/helpers'
import type { Store } from '../../db/stores'

async function page(storeId: string) {
  const cookies = await signIn()
  const res = await get(`/settings?store=${storeId}`, cookies)
  expect(res.status).toBe(200)
  const html = await res.text()
  return { cookies, csrf: csrfOf(html), html }
}

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
      inactivityMinutes: '45',
      restoreTtlDays: '10',
      attributionWindowDays: '7',
      'attribution.emailWindowHours': '120',
      'attribution.smsWindowHours': '24',
      defaultCountry: 'gb',
      retentionDays: '',
    }
    const ok = await post(`/settings/${store.id}`, cookies, timing)
    expect(ok.status).toBe(303)
    const saved = await stored(store.id)
    expect(saved.settings).toMatchObject({
      inactivitySeconds: 2700,
      restoreTtlSeconds: 864_000,
      defaultCountry: 'GB',
      retentionDays: null,
    })
    const bad = await post(`/settings/${store.id}`, cookies, {
      ...timing,
      inactivityMinutes: 'soon',
      restoreTtlDays: '365',
    })
    expect(bad.status).toBe(400)
    const html = await bad.text()
    expect(html).toContain('Nothing was saved')
    expect(html).toContain('Enter a number.')
    expect(html).toContain('At most 90 days.')
    expect(html).toContain('value="soon"')
    expect((await stored(store.id)).settings.inactivitySeconds).toBe(2700)
  })

  it('clears a sender field left blank and keeps the knowledge base the form sends', async () => {
    const store = await createStore({
      settings: { sender: { fromEmail: 'a@shop.example', replyTo: 'r@shop.example' } },
    })
    const { cookies, csrf } = await page(store.id)
    const res = await post(`/settings/${store.id}`, cookies, {
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
    const kb = await post(`/settings/${store.id}`, cookies, {
      _csrf: csrf,
      section: 'assistant',
      'ai.enabled': 'on',
      'ai.model': '@cf/meta/llama-3.3-70b-instruct-fp8-fast',
      'ai.incentiveKind': 'percent',
      'ai.incentive.amount': '10',
      'ai.incentiveDays': '3',
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

  it('refuses an origin that is not one, and an unknown section', async () => {
    const store = await createStore()
    const { cookies, csrf } = await page(store.id)
    const res = await post(`/settings/${store.id}`, cookies, {
      _csrf: csrf,
      section: 'store',
      name: 'Renamed',
      url: 'https://shop.example/',
      allowedOrigins: 'https://shop.example\nhttps://shop.example/checkout',
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('one per line')
    expect((await stored(store.id)).name).not.toBe('Renamed')
    const unknown = await post(`/settings/${store.id}`, cookies, { _csrf: csrf, section: 'nope' })
    expect(unknown.status).toBe(400)
  })
})
