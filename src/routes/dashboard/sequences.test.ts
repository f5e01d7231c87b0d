import { describe, expect, it } from 'vitest'
import * as session from '#test/dashboard-session'
import { api, createStore } from '#test/helpers'
import { DEFAULT_SEQUENCE } from '../../domain/sequence/steps'
import { formOfStep } from './sequence-form'

/** The signed-in editor of a store's sequence; `send` posts its form with `change` to `action`. */
async function editor(storeId: string) {
  const page = await session.openPage(`/sequences?store=${storeId}`)
  const send = (change: Record<string, string>, action = '', csrf = page.csrf) =>
    session.post(`/sequences/${storeId}${action}`, page.cookies, fields(csrf, change))
  return { ...page, send }
}

/** The store's saved sequence, read through the API. */
const savedSequence = async <T = unknown>(storeId: string) =>
  (await (await api(`/stores/${storeId}/sequence`)).json<{ sequence: T[] }>()).sequence

/** The default sequence as the editor posts it, with `change` applied to step `i`. */
function fields(csrf: string, change: Record<string, string> = {}) {
  const body = new URLSearchParams({ _csrf: csrf })
  DEFAULT_SEQUENCE.forEach((s, i) => {
    for (const [k, v] of Object.entries(formOfStep(s, 'USD'))) {
      if (k !== 'remove') body.set(`s.${i}.${k}`, String(v))
    }
  })
  for (const [k, v] of Object.entries(change)) body.set(k, v)
  return body
}

describe('dashboard sequence editor', () => {
  it('saves a valid sequence and keeps a bad one out, with the form as typed', async () => {
    const store = await createStore()
    const { send } = await editor(store.id)
    const bad = await send({ 's.0.subject': 'Hello {{nickname}}', 's.1.delay': 'later' })
    expect(bad.status).toBe(400)
    const html = await bad.text()
    expect(html).toContain('Unknown variable: {{nickname}}')
    expect(html).toContain('value="Hello {{nickname}}"')
    expect(html).toContain('aria-invalid="true"')
    expect(await savedSequence(store.id)).toEqual(DEFAULT_SEQUENCE)

    const good = await send({ 's.0.subject': 'Back soon?', 's.3.remove': 'on' })
    expect(good.status).toBe(303)
    const after = await savedSequence<{ id: string; template: { subject?: string } }>(store.id)
    expect(after.map((s) => s.id)).toEqual(['email-1h', 'sms-3h', 'email-24h'])
    expect(after[0]?.template.subject).toBe('Back soon?')
  })

  it("changes a step's channel without saving: the form comes back with that channel's fields", async () => {
    const store = await createStore()
    const { send } = await editor(store.id)
    const res = await send({ 's.0.channel': 'sms', refresh: '1' })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).not.toContain('name="s.0.subject"')
    expect(html).toContain('name="s.2.subject"')
    expect(html).toMatch(/<option value="sms" selected="">Text<\/option>/)
    expect(await savedSequence(store.id)).toEqual(DEFAULT_SEQUENCE)
  })

  it('renders a preview in its own sandboxed document, and only for a signed-in form', async () => {
    const store = await createStore()
    const { cookies, send } = await editor(store.id)
    const res = await send({ preview: '1' }, '/preview')
    expect(res.status).toBe(200)
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toMatch(/^sandbox; default-src 'none'/)
    expect(csp).toContain("frame-ancestors 'self'")
    const html = await res.text()
    expect(html).toContain('segment')
    expect(html).not.toContain('<script')
    const forged = await send({ preview: '1' }, '/preview', '')
    expect(forged.status).toBe(403)
    const missing = await session.get(`/sequences/${store.id}/preview/nope`, cookies)
    expect(missing.status).toBe(404)
  })

  it('sends a test email to the owner through the outbox', async () => {
    const store = await createStore({
      settings: { sender: { fromEmail: 'shop@example.com', postalAddress: '1 Main St' } },
    })
    const { send } = await editor(store.id)
    const res = await send({ test: '0', 's.3.remove': 'on' }, '/test')
    expect(res.status).toBe(200)
    const page = await res.text()
    expect(page).toContain('Test email sent to owner@example.com')
    // The form comes back as it was: the step ticked for removal is still ticked.
    expect(page).toMatch(/name="s\.3\.remove" checked/)
    expect(page).not.toMatch(/name="s\.2\.remove" checked/)
    const text = await send({ test: '1' }, '/test')
    expect(text.status).toBe(400)
    expect(await text.text()).toContain('Type the phone number test texts should go to.')
    const { messages } = await (await api(`/messages?store=${store.id}&cart=test:send`)).json<{
      messages: { subject: string; to: string; provider: string }[]
    }>()
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatchObject({ to: 'owner@example.com', provider: 'outbox' })
    expect(messages[0]?.subject).toMatch(/^\[Test\] /)
  })
})
