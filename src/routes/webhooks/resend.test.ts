import { env } from 'cloudflare:workers'
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { beacon, contactCart } from '#test/carts'
import * as delivery from '#test/delivery'
import { call, createStore, errorOf, oneEmailStore, waitForRow } from '#test/helpers'
import { linkFor, rebuilt } from '#test/restore'
import { writeMessageReports } from '../../db/projection'
import type { Store } from '../../db/stores'
import { isSuppressed } from '../../db/suppressions'
import { cartStub } from '../../objects/stubs'

const KEY = Buffer.from('resend-webhook-secret-32-bytes!!')

async function sentEmail(store: Store) {
  const { id } = await contactCart(store, { email: 'ada@example.com' })
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

/**
 * A cart whose first step was sent through Resend (the provider adapter stands in for the
 * network and answers `emailId`), with its message row in D1.
 */
async function sentStep(emailId: string) {
  const store = await createStore({ settings: oneEmailStore('email-now', 86_400) })
  const { id, stub } = await contactCart(store, { email: 'ada@example.com' })
  await delivery.abandonWith(stub, {
    email: delivery.resendAnswering(async () => ({ ok: true, providerId: emailId })),
  })
  await waitForRow('SELECT 1 FROM messages WHERE provider_id = ?', emailId)
  return { store, id, stub }
}

describe('POST /webhooks/resend', () => {
  it('records delivery and opens on the message and in the cart timeline', async () => {
    const store = await createStore()
    const { cart, emailId } = await sentEmail(store)
    for (const type of ['email.delivered', 'email.opened']) {
      const res = await post({
        type,
        created_at: new Date().toISOString(),
        data: { email_id: emailId },
      })
      expect(res.status).toBe(200)
    }
    const r = await row(emailId)
    expect(r?.status).toBe('opened')
    expect(r?.delivered_at && r.opened_at).toBeTruthy()
    // A late "delivered" does not move the status back.
    await post({ type: 'email.delivered', data: { email_id: emailId } })
    expect((await row(emailId))?.status).toBe('opened')
    const journal = (await cartStub(env.CART, {
      storeId: store.id,
      cartId: cart,
    }).snapshot())!.journal.map((j) => j.type)
    expect(journal).toEqual(expect.arrayContaining(['message.delivered', 'message.opened']))
  })

  it('ignores email.clicked (scanners click too): only the restore marks the step clicked', async () => {
    const emailId = `re_${crypto.randomUUID()}`
    const { store, id, stub } = await sentStep(emailId)
    const before = (await stub.snapshot())!
    expect(before.state.runs[0]).toMatchObject({ status: 'sent', clickedAt: null })
    const res = await post({
      type: 'email.clicked',
      created_at: new Date().toISOString(),
      data: { email_id: emailId, click: { link: 'https://cartback.test/r/x' } },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, ignored: 'email.clicked' })
    const after = (await stub.snapshot())!
    expect(after.state).toEqual(before.state)
    expect(after.journal).toEqual(before.journal)
    expect(await row(emailId)).toMatchObject({ status: 'sent', clicked_at: null })

    // An order now is credited to the send, not to a click; the funnel has no click.
    await beacon({
      store: store.publishableKey,
      cart: id,
      type: 'order',
      order: { id: 'o-1', total: 6400 },
    })
    const ordered = (await stub.snapshot())!.state
    expect(ordered.attribution).toEqual({
      step: 'email-now',
      channel: 'email',
      via: 'send',
      variant: null,
      experiment: null,
    })
    const cart = await waitForRow<{ clicked_at: number | null }>(
      'SELECT clicked_at FROM carts WHERE cart_id = ? AND revision = ?',
      id,
      ordered.revision,
    )
    expect(cart.clicked_at).toBeNull()
  })

  it("marks the step and its message clicked when the store's page rebuilds the cart", async () => {
    const emailId = `re_${crypto.randomUUID()}`
    const { store, id, stub } = await sentStep(emailId)
    const res = await rebuilt(await linkFor(store, id, 'email-now'))
    expect(res.status).toBe(200)
    const run = (await stub.snapshot())!.state.runs[0]!
    expect(run.clickedAt).toEqual(expect.any(Number))
    const r = await row(emailId)
    expect(r?.clicked_at).toEqual(expect.any(Number))
    // Not a provider status: the message's delivery state is left alone.
    expect(r?.status).toBe('sent')
  })

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'acknowledges a signed event typed %s as unknown and changes nothing',
    async (type) => {
      const store = await createStore()
      const { emailId } = await sentEmail(store)
      const before = await row(emailId)
      const res = await post({ type, data: { email_id: emailId } })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ ok: true, ignored: type })
      expect(await row(emailId)).toEqual(before)
    },
  )

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
