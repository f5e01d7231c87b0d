import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { abandon, age, beacon, contactCart } from '#test/carts'
import * as delivery from '#test/delivery'
import { api, createStore, waitForRow } from '#test/helpers'
import type { SmsSender } from '../adapters/sms/types'
import type { CartObject } from './cart-object'
import { contactStub } from './stubs'

describe('sequence delivery', () => {
  it('sends the email step at abandonment and records it, rendered, in the dev outbox', async () => {
    const { store, id, stub } = await delivery.abandonedCart()
    await abandon(stub)
    // The text step, due at the same time, is decided by the next alarm (set for now).
    await runInDurableObject(stub, (o: CartObject) => o.alarm())
    const s = await delivery.stateOf(stub)
    expect(s.runs.map((r) => [r.id, r.status, r.reason])).toEqual([
      ['email-now', 'sent', null],
      ['sms-now', 'skipped', 'no_phone'],
    ])
    const row = await waitForRow<{ subject: string; provider: string; html: string; to: string }>(
      'SELECT subject, provider, html, "to" FROM messages WHERE store_id = ? AND cart_id = ?',
      store.id,
      id,
    )
    expect(row).toMatchObject({
      subject: `Your ${store.name} cart`,
      provider: 'outbox',
      to: 'ada@example.com',
    })
    expect(row.html).toContain('Hi Ada')
    expect(row.html).toContain('/r/')
    const listed = (await (await api(`/messages?store=${store.id}&cart=${id}`)).json()) as {
      messages: { step: string; provider: string; subject: string }[]
    }
    expect(listed.messages).toMatchObject([
      { step: 'email-now', provider: 'outbox', subject: `Your ${store.name} cart` },
    ])
  })

  it('texts with a short link and the opt-out footer when the shopper consented', async () => {
    const { store, id, stub } = await delivery.abandonedCart({ phone: delivery.PHONE }, true)
    await abandon(stub)
    const row = await waitForRow<{ text: string }>(
      'SELECT text FROM messages WHERE cart_id = ? AND channel = ?',
      id,
      'sms',
    )
    expect(row.text).toMatch(
      new RegExp(
        `^${store.name}: finish here https://cartback\\.test/s/[0-9A-Za-z]{10}\\nReply STOP to opt out$`,
      ),
    )
    const code = /\/s\/([0-9A-Za-z]{10})/.exec(row.text)![1]
    const link = await env.DB.prepare('SELECT cart_id FROM short_links WHERE code = ?')
      .bind(code)
      .first()
    expect(link).toEqual({ cart_id: id })
  })

  it('never sends twice when the alarm fires again', async () => {
    const { id, stub } = await delivery.abandonedCart()
    await abandon(stub)
    await runInDurableObject(stub, (o: CartObject) => o.alarm())
    await runInDurableObject(stub, (o: CartObject) => o.alarm())
    expect(await delivery.outboxOf(stub)).toEqual([expect.objectContaining({ state: 'sent' })])
    await waitForRow('SELECT 1 FROM messages WHERE cart_id = ?', id)
    const count = await env.DB.prepare('SELECT COUNT(*) AS n FROM messages WHERE cart_id = ?')
      .bind(id)
      .first<{ n: number }>()
    expect(count?.n).toBe(1)
  })

  it('retries a retryable provider error with back-off, then sends once', async () => {
    const { stub } = await delivery.abandonedCart()
    const calls: string[] = []
    let fail = 2
    await delivery.abandonWith(stub, {
      email: delivery.resendAnswering(async (_m, { idempotencyKey }) => {
        calls.push(idempotencyKey)
        if (fail-- > 0)
          return { ok: false, retryable: true, code: 'rate_limit_exceeded', message: 'slow down' }
        return { ok: true, providerId: 're_123' }
      }),
    })
    expect(await delivery.outboxOf(stub)).toEqual([
      expect.objectContaining({ state: 'pending', attempts: 1, last_error: 'rate_limit_exceeded' }),
    ])
    for (let i = 0; i < 2; i++) {
      await runInDurableObject(stub, (_o, s) =>
        s.storage.sql.exec("UPDATE outbox SET next_at = 0 WHERE kind = 'message'"),
      )
      await runDurableObjectAlarm(stub)
    }
    expect(calls).toHaveLength(3)
    expect(new Set(calls).size).toBe(1)
    expect((await delivery.stateOf(stub)).runs[0]).toMatchObject({ status: 'sent' })
  })

  it('fails the step with the reason after a permanent error and moves on', async () => {
    const { stub } = await delivery.abandonedCart()
    await delivery.abandonWith(stub, {
      email: delivery.resendRefusing('validation_error', false, 'bad to'),
    })
    const snap = (await stub.snapshot())!
    expect(snap.state.runs[0]).toMatchObject({ status: 'failed', reason: 'validation_error' })
    expect(snap.journal.map((j) => j.type)).toContain('message.failed')
  })

  it('gives up after five retryable failures and journals why', async () => {
    const { stub } = await delivery.abandonedCart()
    await delivery.abandonWith(stub, {
      email: delivery.resendRefusing('http_503', true, 'down'),
    })
    for (let i = 0; i < 6; i++) {
      await runInDurableObject(stub, (_o, s) =>
        s.storage.sql.exec(
          "UPDATE outbox SET next_at = 0 WHERE kind = 'message' AND state = 'pending'",
        ),
      )
      await runInDurableObject(stub, (o: CartObject) => o.alarm())
    }
    expect(await delivery.outboxOf(stub)).toEqual([
      expect.objectContaining({ state: 'failed', attempts: 4, last_error: 'http_503' }),
    ])
    expect((await delivery.stateOf(stub)).runs[0]).toMatchObject({
      status: 'failed',
      reason: 'http_503',
    })
  })

  it('resends, under the same key, a send cut off by a crash when the provider drops repeats', async () => {
    const { stub } = await delivery.abandonedCart()
    const keys: string[] = []
    await delivery.abandonWith(stub, {
      email: delivery.resendAnswering(async (_m, { idempotencyKey }) => {
        keys.push(idempotencyKey)
        if (keys.length === 1) throw new Error('isolate died mid-send')
        return { ok: true, providerId: 're_1' }
      }),
    })
    // Cut off during the call: marked `calling`, and Resend drops the repeat of its key.
    expect(await delivery.outboxOf(stub)).toEqual([expect.objectContaining({ state: 'calling' })])
    await runInDurableObject(stub, (_o, s) =>
      s.storage.sql.exec("UPDATE outbox SET next_at = 0 WHERE kind = 'message'"),
    )
    await runInDurableObject(stub, (o: CartObject) => o.alarm())
    expect(keys).toHaveLength(2)
    expect(keys[0]).toBe(keys[1])
    expect((await delivery.stateOf(stub)).runs[0]).toMatchObject({ status: 'sent' })
  })

  it('never resends a text whose outcome is unknown after a restart (Twilio has no idempotency key)', async () => {
    const { store, id, stub } = await delivery.abandonedCart({ phone: delivery.PHONE }, true, {
      sms: { doubleOptIn: false, fromNumber: '+14155550000' },
    })
    let sent = 0
    const twilioLike: SmsSender = {
      provider: 'twilio',
      idempotent: false,
      async send() {
        sent++
        throw new Error('connection reset after the request went out')
      },
    }
    await delivery.abandonWith(stub, { sms: twilioLike })
    expect(sent).toBe(1)
    await age(stub, 0)
    await delivery.useAdapters(stub, { sms: twilioLike })
    await runInDurableObject(stub, (_o, s) =>
      s.storage.sql.exec("UPDATE outbox SET next_at = 0 WHERE kind = 'message'"),
    )
    await runInDurableObject(stub, (o: CartObject) => o.alarm())
    expect(sent).toBe(1)
    const run = (await delivery.stateOf(stub)).runs.find((r) => r.id === 'sms-now')
    expect(run).toMatchObject({ status: 'failed', reason: 'outcome_unknown' })
    // Twilio may have sent it: listed as unknown (written before the call), for its status
    // callback to settle, and counted toward the contact's daily cap.
    const row = await env.DB.prepare('SELECT id, status, provider FROM messages WHERE cart_id = ?')
      .bind(id)
      .first()
    expect(row).toEqual({ id: run?.messageId, status: 'unknown', provider: 'twilio' })
    const ref = { storeId: store.id, channel: 'sms' as const, address: delivery.PHONE }
    expect((await contactStub(env.CONTACT, ref).facts(ref)).recentTexts).toHaveLength(1)
  })

  it('skips the email step, with the reason, when the store has no sender address', async () => {
    const store = await createStore({
      settings: {
        inactivitySeconds: 60,
        sequence: [
          {
            id: 'e',
            channel: 'email',
            delaySeconds: 0,
            windowSeconds: 3600,
            template: { subject: 's', heading: 'h', body: 'b', buttonLabel: 'go' },
          },
        ],
      },
    })
    const { stub } = await contactCart(store, { email: 'ada@example.com' })
    await abandon(stub)
    expect((await delivery.stateOf(stub)).runs[0]).toMatchObject({
      status: 'skipped',
      reason: 'no_sender_address',
    })
  })

  it('credits a recovered order to the message that led to it, and stats break it down', async () => {
    const { store, id, stub } = await delivery.abandonedCart()
    await abandon(stub)
    await beacon({
      store: store.publishableKey,
      cart: id,
      type: 'order',
      order: { id: 'o-42', total: 6400 },
    })
    expect((await delivery.stateOf(stub)).attribution).toEqual({
      step: 'email-now',
      channel: 'email',
      via: 'send',
      variant: null,
      experiment: null,
    })
    const s = await delivery.stateOf(stub)
    await waitForRow('SELECT 1 FROM carts WHERE cart_id = ? AND revision = ?', id, s.revision)
    const stats = (await (await api(`/stats?store=${store.id}`)).json()) as {
      recovered: Record<string, unknown>
    }
    expect(stats.recovered).toEqual({
      count: 1,
      revenue: { USD: 6400 },
      byChannel: { email: { count: 1, revenue: { USD: 6400 } } },
      byStep: { 'email-now': { channel: 'email', count: 1, revenue: { USD: 6400 } } },
    })
  })
})
