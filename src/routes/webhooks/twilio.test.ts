import { env } from 'cloudflare:workers'
// The official package's signing code (its webhooks module runs in workerd with nodejs_compat).
import { getExpectedTwilioSignature, validateRequest } from 'twilio/lib/webhooks/webhooks'
import { describe, expect, it } from 'vitest'
import { cartId } from '#test/carts'
import { call, createStore, errorOf } from '#test/helpers'
import { twilioPost } from '#test/texts'
import { twilioSignature } from '#test/twilio-sign'
import { writeMessageReports } from '../../db/projection'
import type { Store } from '../../db/stores'

const TOKEN = 'test-twilio-token'
const sid = () => `SM${crypto.randomUUID().replaceAll('-', '')}`

async function twilioMessage(store: Store, providerId: string) {
  const now = Date.now()
  await writeMessageReports(env.DB, [
    {
      kind: 'message',
      id: `msg_${providerId}`,
      storeId: store.id,
      cartId: cartId(),
      stepId: 'sms-3h',
      channel: 'sms',
      to: '+14155552671',
      status: 'accepted',
      subject: null,
      preheader: null,
      text: 'hi',
      html: null,
      provider: 'twilio',
      providerId,
      error: null,
      createdAt: now,
      updatedAt: now,
    },
  ])
}

const post = (
  store: Store,
  params: Record<string, string>,
  opts: { token?: string; url?: string } = {},
) => twilioPost(`/webhooks/twilio/${store.id}/status`, params, { token: TOKEN, ...opts })

const statusOf = async (providerId: string) =>
  (await env.DB.prepare('SELECT status, error FROM messages WHERE provider_id = ?')
    .bind(providerId)
    .first()) as { status: string; error: string | null }

describe('POST /webhooks/twilio/:storeId/status', () => {
  it('records each delivery status in order, and never steps back', async () => {
    const store = await createStore()
    const id = sid()
    await twilioMessage(store, id)
    for (const status of ['queued', 'sent', 'delivered']) {
      const res = await post(store, { MessageSid: id, MessageStatus: status, AccountSid: 'AC1' })
      expect(res.status).toBe(200)
      expect((await statusOf(id)).status).toBe(status)
    }
    const late = await post(store, { MessageSid: id, MessageStatus: 'sent' })
    expect(await late.json()).toEqual({ ok: true, updated: false })
    expect((await statusOf(id)).status).toBe('delivered')
  })

  it('finds a text without SID by our id in the URL, and our late answer never steps it back', async () => {
    const store = await createStore()
    const other = await createStore()
    const now = Date.now()
    const report = {
      kind: 'message' as const,
      id: `msg_${crypto.randomUUID().replaceAll('-', '').slice(0, 22)}`,
      storeId: store.id,
      cartId: cartId(),
      stepId: 'sms-3h',
      channel: 'sms' as const,
      to: '+14155552671',
      subject: null,
      preheader: null,
      text: 'hi',
      html: null,
      provider: 'twilio',
    }
    // Written before the call to Twilio, which answered too late (or not at all).
    await writeMessageReports(env.DB, [
      {
        ...report,
        status: 'unknown',
        providerId: null,
        error: null,
        createdAt: now,
        updatedAt: now,
      },
    ])
    const id = sid()
    const path = (st: Store) => `/webhooks/twilio/${st.id}/status?m=${report.id}`
    const params = { MessageSid: id, MessageStatus: 'sent' }
    // Another store's callback naming our id finds nothing.
    const foreign = await twilioPost(path(other), params, { token: TOKEN })
    expect(await foreign.json()).toEqual({ ok: true, updated: false })
    const res = await twilioPost(path(store), params, { token: TOKEN })
    expect(await res.json()).toEqual({ ok: true, updated: true })
    expect(await statusOf(id)).toEqual({ status: 'sent', error: null })
    // Our own answer, written after the callback, keeps Twilio's later status.
    await writeMessageReports(env.DB, [
      {
        ...report,
        status: 'accepted',
        providerId: id,
        error: null,
        createdAt: now,
        updatedAt: Date.now() + 1,
      },
    ])
    expect(await statusOf(id)).toEqual({ status: 'sent', error: null })
  })

  it('records a failure with its error code', async () => {
    const store = await createStore()
    const id = sid()
    await twilioMessage(store, id)
    await post(store, { MessageSid: id, MessageStatus: 'undelivered', ErrorCode: '30003' })
    expect(await statusOf(id)).toEqual({ status: 'undelivered', error: 'twilio_30003' })
  })

  it.each([
    ['a wrong signature', { token: 'other-token' }, 401, 'UNAUTHORIZED'],
    ['a signature for another URL', { url: 'https://evil.example/x' }, 401, 'UNAUTHORIZED'],
  ])('refuses %s with %i and changes nothing', async (_n, opts, status, code) => {
    const store = await createStore()
    const id = sid()
    await twilioMessage(store, id)
    const res = await post(store, { MessageSid: id, MessageStatus: 'delivered' }, opts)
    expect(res.status).toBe(status)
    expect((await errorOf(res)).code).toBe(code)
    expect((await statusOf(id)).status).toBe('accepted')
  })

  it('refuses a signed but malformed callback with 400, and an unknown store with 404', async () => {
    const store = await createStore()
    const res = await post(store, { MessageSid: 'nope', MessageStatus: 'delivered' })
    expect(res.status).toBe(400)
    // Signed for a store that does not exist: 404. Unsigned: 401 before any lookup, so an
    // unsigned request cannot tell which store ids exist.
    const params = { MessageSid: `SM${'a'.repeat(32)}`, MessageStatus: 'delivered' }
    const path = '/webhooks/twilio/st_missing/status'
    const missing = await call(path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': twilioSignature(TOKEN, `https://cartback.test${path}`, params),
      },
      body: new URLSearchParams(params).toString(),
    })
    expect(missing.status).toBe(404)
    const unsigned = await call(path, { method: 'POST', body: 'MessageSid=x' })
    expect(unsigned.status).toBe(401)
  })
})

describe('Twilio signatures over a URL with a query string', () => {
  // Signed with the official twilio package: it signs the whole URL, query string included.
  const signed = async (store: Store, query: string, signedUrl?: string) => {
    const id = sid()
    await twilioMessage(store, id)
    const path = `/webhooks/twilio/${store.id}/status${query}`
    const url = `https://cartback.test${path}`
    const params = { MessageSid: id, MessageStatus: 'delivered', AccountSid: 'AC1' }
    const signature = getExpectedTwilioSignature(TOKEN, signedUrl ?? url, params)
    const res = await call(path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': signature,
      },
      body: new URLSearchParams(params).toString(),
    })
    return { res, id, twilioAccepts: validateRequest(TOKEN, signature, url, params) }
  }

  it('accepts what Twilio signed over the full URL', async () => {
    const store = await createStore()
    const { res, id, twilioAccepts } = await signed(store, '?attempt=2&src=cartback')
    expect(twilioAccepts).toBe(true)
    expect(res.status).toBe(200)
    expect((await statusOf(id)).status).toBe('delivered')
  })

  it('refuses a signature made without the query string, as twilio does', async () => {
    const store = await createStore()
    const bare = `https://cartback.test/webhooks/twilio/${store.id}/status`
    const { res, id, twilioAccepts } = await signed(store, '?attempt=2', bare)
    expect(twilioAccepts).toBe(false)
    expect(res.status).toBe(401)
    expect((await statusOf(id)).status).toBe('accepted')
  })
})
