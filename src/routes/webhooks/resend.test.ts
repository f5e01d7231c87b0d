import { env } from 'cloudflare:workers'
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { beacon, call, cartId, createStore, errorOf, ITEMS } from '../../../test/helpers'
import { writeMessageReports } from '../../db/projection'
import type { Store } from '../../db/stores'
import { isSuppressed } from '../../db/suppressions'
import { cartStub } from '../../objects/cart-object'

const KEY = Buffer.from('resend-webhook-secret-32-bytes!!')

async function sentEmail(store: Store) {
  const id = cartId()
  await beacon({
    store: store.publishableKey,
    cart: id,
    type: 'contact',
    items: ITEMS,
    contact: { email: 'ada@example.com' },
  })
  const emailId = `re_${crypto.randomUUID()}`
  const now = Date.now()
  await writeMessageReports(env.DB, [
    {
      kind: 'message',
      id: `msg_${emailId}`,
      storeId: store.id,
      cartId: id,
      stepId: 'email-1h',
      channel: 'email',
      to: 'ada@example.com',
      status: 'sent',
      subject: 's',
      preheader: null,
      text: 't',
      html: '<p>t</p>',
      provider: 'resend',
      providerId: emailId,
      error: null,
      createdAt: now,
      updatedAt: now,
    },
  ])
  return { cart: id, emailId }
}

function post(event: object, opts: { key?: Buffer; ts?: number } = {}) {
  const body = JSON.stringify(event)
  const id = `msg_${crypto.randomUUID()}`
  const ts = String(opts.ts ?? Math.floor(Date.now() / 1000))
  const signature = `v1,${createHmac('sha256', opts.key ?? KEY)
    .update(`${id}.${ts}.${body}`)
    .digest('base64')}`
  return call('/webhooks/resend', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'svix-id': id,
      'svix-timestamp': ts,
      'svix-signature': signature,
    },
    body,
  })
}

const row = (emailId: string) =>
  env.DB.prepare(
    'SELECT status, delivered_at, opened_at, clicked_at FROM messages WHERE provider_id = ?',
  )
    .bind(emailId)
    .first<Record<string, number | string | null>>()

describe('POST /webhooks/resend', () => {
  it('records delivery, opens and clicks on the message and in the cart timeline', async () => {
    const store = await createStore()
    const { cart, emailId } = await sentEmail(store)
    for (const type of ['email.delivered', 'email.opened', 'email.clicked']) {
      const res = await post({
        type,
        created_at: new Date().toISOString(),
        data: { email_id: emailId },
      })
      expect(res.status).toBe(200)
    }
    const r = await row(emailId)
    expect(r?.status).toBe('clicked')
    expect(r?.delivered_at && r.opened_at && r.clicked_at).toBeTruthy()
    // A late "delivered" does not move the status back.
    await post({ type: 'email.delivered', data: { email_id: emailId } })
    expect((await row(emailId))?.status).toBe('clicked')
    const journal = (await cartStub(env.CART, {
      storeId: store.id,
      cartId: cart,
    }).snapshot())!.journal.map((j) => j.type)
    expect(journal).toEqual(
      expect.arrayContaining(['message.delivered', 'message.opened', 'message.clicked']),
    )
  })

  it.each(['email.bounced', 'email.complained'])('suppresses the address on %s', async (type) => {
    const store = await createStore()
    const { emailId } = await sentEmail(store)
    await post({ type, data: { email_id: emailId } })
    expect(await isSuppressed(env.DB, store.id, 'email', 'ada@example.com')).toBe(true)
  })

  it('acknowledges events about emails it does not know, and types it does not track', async () => {
    expect(
      await (await post({ type: 'email.delivered', data: { email_id: 're_unknown' } })).json(),
    ).toEqual({ ok: true, matched: false })
    expect(await (await post({ type: 'contact.created', data: { email_id: 'x' } })).json()).toEqual(
      { ok: true, ignored: 'contact.created' },
    )
  })

  it.each([
    ['another secret', { key: Buffer.from('another-secret-another-secret!!!') }],
    ['a replay ten minutes old', { ts: Math.floor(Date.now() / 1000) - 600 }],
  ])('refuses %s with 401 and changes nothing', async (_n, opts) => {
    const store = await createStore()
    const { emailId } = await sentEmail(store)
    const res = await post({ type: 'email.bounced', data: { email_id: emailId } }, opts)
    expect(res.status).toBe(401)
    expect((await errorOf(res)).code).toBe('UNAUTHORIZED')
    expect(await isSuppressed(env.DB, store.id, 'email', 'ada@example.com')).toBe(false)
  })

  it('refuses a signed event without an email id with 400', async () => {
    expect((await post({ type: 'email.delivered', data: {} })).status).toBe(400)
  })
})
