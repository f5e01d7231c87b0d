// Provider calls that hang (issue 11, point 10): the real adapters, pointed over real HTTP at a
// provider that never answers (test/fakes/global-setup.ts), give up after their timeout; the
// cart retries what may be retried and keeps every text Twilio may have taken.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, inject, it } from 'vitest'
import { age, api, beacon, cartId, createStore, ITEMS, twilioPost } from '../../test/helpers'
import { middayZone } from '../../test/zones'
import { createAdapters } from '../adapters'
import { resendEmail } from '../adapters/email/resend'
import type { EmailSender } from '../adapters/email/types'
import { twilioSms } from '../adapters/sms/twilio'
import type { SmsMessage, SmsSender } from '../adapters/sms/types'
import type { CartState } from '../domain/cart/types'
import { type CartObject, cartStub } from './cart-object'
import { contactStub } from './contact-object'

// A UK mobile at midday in the browser's zone: quiet hours never hold these tests back.
const PHONE = '+447911123456'
const TIMEOUT_MS = 200
const HOUR = 3_600_000

const step = (id: string, channel: 'email' | 'sms', delaySeconds: number) =>
  channel === 'email'
    ? {
        id,
        channel,
        delaySeconds,
        windowSeconds: 86_400,
        template: {
          subject: 'Your cart',
          heading: 'Hi',
          body: 'Total {{total}}',
          buttonLabel: 'Return',
        },
      }
    : {
        id,
        channel,
        delaySeconds,
        windowSeconds: 86_400,
        template: { body: 'Back: {{restoreUrl}}' },
      }

/** An abandoned cart (after its alarm) of a store with these steps. */
async function abandonedCart(steps: ReturnType<typeof step>[]) {
  const store = await createStore({
    settings: {
      inactivitySeconds: 60,
      sender: { fromEmail: 'shop@acme.example', fromName: 'Acme', postalAddress: '1 Main St' },
      sms: { doubleOptIn: false, fromNumber: '+14155550000' },
      sequence: steps,
    },
  })
  const id = cartId()
  await beacon({
    store: store.publishableKey,
    cart: id,
    type: 'contact',
    items: ITEMS,
    contact: { email: 'ada@example.com', phone: PHONE, timezone: middayZone() },
    consent: { sms: true, text: 'Text me cart reminders. Reply STOP to opt out.' },
  })
  const stub = cartStub(env.CART, { storeId: store.id, cartId: id })
  return { store, id, stub }
}

type Patch = { email?: EmailSender; sms?: SmsSender }

/** The object's providers, as the network they stand for (reset by every restart). */
async function useAdapters(stub: DurableObjectStub<CartObject>, patch: Patch) {
  await runInDurableObject(stub, (o: CartObject) => {
    Object.assign(o, { adapters: { ...createAdapters(env), ...patch } })
  })
}

/** Runs the alarm as if `ms` had passed since the cart's steps were planned. */
async function later(stub: DurableObjectStub<CartObject>, ms: number, patch: Patch = {}) {
  await runInDurableObject(stub, (_o, s) => {
    const st = s.storage.kv.get<CartState>('state')!
    const shift = (t: number | null) => (t === null ? null : t - ms)
    s.storage.kv.put('state', {
      ...st,
      abandonedAt: shift(st.abandonedAt),
      runs: st.runs.map((r) => ({ ...r, dueAt: r.dueAt - ms, notBefore: shift(r.notBefore) })),
    })
    s.storage.sql.exec('UPDATE outbox SET next_at = 0')
  })
  await age(stub, 0)
  await useAdapters(stub, patch)
  await runDurableObjectAlarm(stub)
}

/** Abandons the cart through its alarm with these providers in place; returns how long it took. */
async function abandonWith(stub: DurableObjectStub<CartObject>, patch: Patch) {
  await age(stub, 61_000)
  await useAdapters(stub, patch)
  const started = Date.now()
  await runDurableObjectAlarm(stub)
  return Date.now() - started
}

const runsOf = async (stub: DurableObjectStub<CartObject>) =>
  (await stub.snapshot())!.state.runs.map((r) => [r.id, r.status, r.reason])

const hung = () => inject('hungProviderUrl')

describe('a provider that hangs', () => {
  it('times out the email, retries it, and the later step still goes at its time', async () => {
    const { stub } = await abandonedCart([
      step('email-1', 'email', 0),
      step('email-2', 'email', 3600),
    ])
    const took = await abandonWith(stub, {
      email: resendEmail({ apiKey: 're_test', baseUrl: hung(), timeoutMs: TIMEOUT_MS }),
    })
    // The alarm gave up after the timeout, not after the object's own limits.
    expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS)
    expect(took).toBeLessThan(10_000)
    const outbox = await runInDurableObject(stub, (_o, s) =>
      s.storage.sql
        .exec("SELECT state, attempts, last_error FROM outbox WHERE kind = 'message'")
        .toArray(),
    )
    expect(outbox).toEqual([{ state: 'pending', attempts: 1, last_error: 'timeout' }])
    expect(await runsOf(stub)).toEqual([
      ['email-1', 'sending', null],
      ['email-2', 'scheduled', null],
    ])

    // Resend answers again (the dev outbox here): the retry goes, under the same key.
    await later(stub, 0)
    expect((await runsOf(stub))[0]).toEqual(['email-1', 'sent', null])
    // An hour later the second step goes, on time, not skipped as caught up.
    await later(stub, HOUR)
    expect(await runsOf(stub)).toEqual([
      ['email-1', 'sent', null],
      ['email-2', 'sent', null],
    ])
  })

  it('keeps a timed-out text as unknown: listed, counted toward the cap, settled by its status callback', async () => {
    const { store, id, stub } = await abandonedCart([
      step('sms-1', 'sms', 0),
      step('sms-2', 'sms', 3600),
    ])
    // Two texts this contact got today from another cart: the third reaches the cap of 3.
    const contact = { storeId: store.id, channel: 'sms' as const, address: PHONE }
    for (const ago of [3, 2])
      await contactStub(env.CONTACT, contact).recordText(Date.now() - ago * HOUR, 'other-cart')

    const sent: SmsMessage[] = []
    const twilio = twilioSms({
      accountSid: 'AC00000000000000000000000000000001',
      authToken: 'twilio-token',
      baseUrl: hung(),
      timeoutMs: TIMEOUT_MS,
    })
    const took = await abandonWith(stub, {
      sms: {
        ...twilio,
        send(m, o) {
          sent.push(m)
          return twilio.send(m, o)
        },
      },
    })
    expect(took).toBeLessThan(10_000)
    const [run] = (await stub.snapshot())!.state.runs
    expect(run).toMatchObject({ id: 'sms-1', status: 'failed', reason: 'outcome_unknown' })
    const messageId = run!.messageId!
    expect(messageId).toMatch(/^msg_/)
    // Our id rides in the callback URL: the only key Twilio gives back for a text without SID.
    expect(sent.map((m) => m.statusCallback)).toEqual([
      `https://cartback.test/webhooks/twilio/${store.id}/status?m=${messageId}`,
    ])

    type Detail = {
      messages: { id: string; status: string; providerId?: string; error?: string }[]
    }
    const detail = async () => (await (await api(`/carts/${store.id}/${id}`)).json()) as Detail
    expect((await detail()).messages).toEqual([
      expect.objectContaining({
        id: messageId,
        channel: 'sms',
        to: PHONE,
        status: 'unknown',
        provider: 'twilio',
        error: 'outcome_unknown',
      }),
    ])
    expect((await detail()).messages[0]?.providerId).toBeUndefined()

    // It counts: the next text in the same 24 h waits for the cap, and nothing was resent.
    await later(stub, HOUR)
    const second = (await stub.snapshot())!.state.runs[1]
    expect(second).toMatchObject({ id: 'sms-2', status: 'deferred', reason: 'daily_text_cap' })
    expect(sent).toHaveLength(1)

    // Twilio did send it: its callback, signed over the URL with our id, settles the row.
    const path = `/webhooks/twilio/${store.id}/status?m=${messageId}`
    const sid = `SM${'ab'.repeat(16)}`
    const params = { MessageSid: sid, MessageStatus: 'delivered', AccountSid: 'AC1', To: PHONE }
    // A signature without the query string does not cover our id: refused.
    const unsigned = await twilioPost(path, params, {
      url: `https://cartback.test/webhooks/twilio/${store.id}/status`,
    })
    expect(unsigned.status).toBe(401)
    expect((await detail()).messages[0]?.status).toBe('unknown')
    const res = await twilioPost(path, params)
    expect(await res.json()).toEqual({ ok: true, updated: true })
    const settled = (await detail()).messages[0]
    expect(settled).toMatchObject({ id: messageId, status: 'delivered', providerId: sid })
    expect(settled?.error).toBeUndefined()
  })

  it('refuses a status callback whose message id is malformed, and changes nothing', async () => {
    const store = await createStore()
    const res = await twilioPost(`/webhooks/twilio/${store.id}/status?m=not-an-id`, {
      MessageSid: `SM${'cd'.repeat(16)}`,
      MessageStatus: 'delivered',
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST')
  })
})
