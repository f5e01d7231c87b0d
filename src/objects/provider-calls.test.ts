// Provider calls that hang (issue 11, point 10): the real adapters, pointed over real HTTP at a
// provider that never answers (test/fakes/global-setup.ts), give up after their timeout; the
// cart retries what may be retried and keeps every text Twilio may have taken.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, inject, it } from 'vitest'
import { age, beacon, cartId, ITEMS } from '#test/carts'
import { api, call, createStore, ORIGIN } from '#test/helpers'
import { twilioInbound, twilioPost } from '#test/texts'
import { middayZone } from '#test/zones'
import { createAdapters } from '../adapters'
import type { CouponIssuer } from '../adapters/coupons/types'
import { resendEmail } from '../adapters/email/resend'
import type { EmailSender } from '../adapters/email/types'
import { twilioSms } from '../adapters/sms/twilio'
import type { SmsMessage, SmsSender } from '../adapters/sms/types'
import type { SendResult } from '../adapters/types'
import type { CartState } from '../domain/cart/types'
import { signRestoreToken } from '../lib/restore-token'
import type { CartObject } from './cart-object'
import type { ContactObject } from './contact-object'
import { cartStub, contactStub } from './stubs'

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

/** A cart with an email, a phone and SMS consent, of a store with these steps (not abandoned yet). */
async function abandonedCart(steps: (ReturnType<typeof step> & { incentive?: object })[]) {
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

type Patch = { email?: EmailSender; sms?: SmsSender; coupons?: CouponIssuer }

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

const twilioApi = () => inject('twilioApiUrl')

/**
 * Twilio's REST API over real HTTP at `baseUrl` (the fake one, or the hung one). Every text it
 * is asked to send lands in `sent` and every answer in `answers`; `after` runs once Twilio has
 * answered, and may throw: the object dies there, the text taken but our record of it not made.
 */
function twilioAt(
  baseUrl: string,
  log: { sent: SmsMessage[]; answers: SendResult[] },
  after: () => void = () => {},
  accountSid = 'AC00000000000000000000000000000001',
): SmsSender {
  const twilio = twilioSms({
    accountSid,
    authToken: 'twilio-token',
    baseUrl,
    timeoutMs: TIMEOUT_MS,
  })
  return {
    ...twilio,
    async send(m, o) {
      log.sent.push(m)
      const answer = await twilio.send(m, o)
      log.answers.push(answer)
      after()
      return answer
    },
  }
}

/** The fake's account that is always answered 429 (test/fakes/twilio.ts `RATE_LIMITED_ACCOUNT`). */
const RATE_LIMITED = 'AC00000000000000000000000000000429'
const rateLimited = (log: ReturnType<typeof calls>) =>
  twilioAt(twilioApi(), log, () => {}, RATE_LIMITED)
const crashAfterCall = (log: ReturnType<typeof calls>) =>
  twilioAt(twilioApi(), log, () => {
    throw new Error('object evicted before the answer was recorded')
  })

const calls = () => ({ sent: [] as SmsMessage[], answers: [] as SendResult[] })
const sidOf = (r: SendResult | undefined) => (r?.ok ? r.providerId : null)
const idIn = (m: SmsMessage | undefined) => new URL(m!.statusCallback).searchParams.get('m')!

const messageRows = async (where: string, ...params: string[]) =>
  (
    await env.DB.prepare(
      `SELECT id, step_id, cart_id, status, provider, provider_id, error FROM messages WHERE ${where}`,
    )
      .bind(...params)
      .all<Record<string, string | null>>()
  ).results

const outboxOf = (stub: DurableObjectStub<CartObject>) =>
  runInDurableObject(stub, (_o, s) =>
    s.storage.sql
      .exec("SELECT state, attempts, last_error FROM outbox WHERE kind = 'message'")
      .toArray(),
  )

const textsToday = async (storeId: string) => {
  const ref = { storeId, channel: 'sms' as const, address: PHONE }
  return (await contactStub(env.CONTACT, ref).facts(ref)).recentTexts.length
}

/** Twilio's signed status callback for one of our texts (our id in the URL, as we gave it). */
const statusCallback = (storeId: string, messageId: string, sid: string, status: string) =>
  twilioPost(`/webhooks/twilio/${storeId}/status?m=${messageId}`, {
    MessageSid: sid,
    MessageStatus: status,
    AccountSid: 'AC00000000000000000000000000000001',
    To: PHONE,
  })

describe('a crash around the Twilio call (cart sequence)', () => {
  it('sends a text cut off before the call (during its coupon) once, after the restart', async () => {
    const { store, id, stub } = await abandonedCart([
      {
        ...step('sms-offer', 'sms', 0),
        incentive: { kind: 'percent', amount: 10, validForSeconds: 86_400 },
      },
    ])
    await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: {
        woocommerceApi: {
          consumerKey: 'ck_1234567890abcdef',
          consumerSecret: 'cs_1234567890abcdef',
        },
      },
    })
    let couponCalls = 0
    const coupons: CouponIssuer = {
      async create(_shop, coupon) {
        if (++couponCalls === 1) throw new Error('object evicted during the coupon call')
        return { ok: true, code: coupon.code, created: true }
      },
    }
    const twilio = calls()
    await abandonWith(stub, { coupons, sms: twilioAt(twilioApi(), twilio) })
    // Cut off before Twilio was called: nothing sent, listed or counted, and the step waits.
    expect(await outboxOf(stub)).toEqual([{ state: 'sending', attempts: 0, last_error: null }])
    expect(twilio.sent).toHaveLength(0)
    expect(await messageRows('cart_id = ?', id)).toEqual([])
    expect(await runsOf(stub)).toEqual([['sms-offer', 'sending', null]])

    // The restart (`later` evicts the object): the send is made again and goes, once.
    await later(stub, 0, { coupons, sms: twilioAt(twilioApi(), twilio) })
    expect(twilio.sent).toHaveLength(1)
    expect(await runsOf(stub)).toEqual([['sms-offer', 'sent', null]])
    const sid = sidOf(twilio.answers[0])
    expect(sid).toMatch(/^SM\d{32}$/)
    expect(await messageRows('cart_id = ?', id)).toEqual([
      expect.objectContaining({ id: idIn(twilio.sent[0]), status: 'accepted', provider_id: sid }),
    ])
    expect(await textsToday(store.id)).toBe(1)

    // A later wake sends nothing more.
    await later(stub, 0, { coupons, sms: twilioAt(twilioApi(), twilio) })
    expect(twilio.sent).toHaveLength(1)
    expect(await outboxOf(stub)).toEqual([{ state: 'sent', attempts: 1, last_error: null }])
  })

  it('never resends a text cut off after Twilio took it; its status callback settles it', async () => {
    const { store, id, stub } = await abandonedCart([step('sms-1', 'sms', 0)])
    const twilio = calls()
    await abandonWith(stub, {
      sms: twilioAt(twilioApi(), twilio, () => {
        throw new Error('object evicted before the answer was recorded')
      }),
    })
    expect(twilio.sent).toHaveLength(1)
    expect(await outboxOf(stub)).toEqual([{ state: 'calling', attempts: 0, last_error: null }])
    // Listed before the call, so the row is there although our record of the answer never was.
    const messageId = idIn(twilio.sent[0])
    expect(await messageRows('cart_id = ?', id)).toEqual([
      expect.objectContaining({ id: messageId, status: 'unknown', provider_id: null }),
    ])

    await later(stub, 0, { sms: twilioAt(twilioApi(), twilio) })
    expect(twilio.sent).toHaveLength(1)
    const [run] = (await stub.snapshot())!.state.runs
    expect(run).toMatchObject({ status: 'failed', reason: 'outcome_unknown', messageId })
    expect(await textsToday(store.id)).toBe(1)

    const sid = sidOf(twilio.answers[0])!
    const res = await statusCallback(store.id, messageId, sid, 'delivered')
    expect(await res.json()).toEqual({ ok: true, updated: true })
    expect(await messageRows('cart_id = ?', id)).toEqual([
      expect.objectContaining({ id: messageId, status: 'delivered', provider_id: sid }),
    ])
  })
})

describe('a text refused, then stopped; a call cut off, then stopped (cart sequence)', () => {
  const archive = (storeId: string, id: string) =>
    api(`/carts/${storeId}/${id}/actions`, { method: 'POST', json: { action: 'archive' } })

  it('lists a text Twilio refused (429) as failed while its retry waits; stopped then, it stays failed', async () => {
    const { store, id, stub } = await abandonedCart([step('sms-1', 'sms', 0)])
    const twilio = calls()
    await abandonWith(stub, { sms: rateLimited(twilio) })
    expect(twilio.answers).toEqual([expect.objectContaining({ ok: false, retryable: true })])
    expect(await outboxOf(stub)).toEqual([
      { state: 'pending', attempts: 1, last_error: 'twilio_20429' },
    ])
    const messageId = idIn(twilio.sent[0])
    // Nothing left: the row listed `unknown` before the call says so, not "may have been sent".
    expect(await messageRows('cart_id = ?', id)).toEqual([
      expect.objectContaining({ id: messageId, status: 'failed', error: 'twilio_20429' }),
    ])

    expect((await archive(store.id, id)).status).toBe(200)
    await later(stub, 0, { sms: twilioAt(twilioApi(), twilio) })
    expect(twilio.sent).toHaveLength(1)
    expect(await outboxOf(stub)).toEqual([
      { state: 'failed', attempts: 1, last_error: 'cancelled' },
    ])
    expect(await messageRows('cart_id = ?', id)).toEqual([
      expect.objectContaining({ id: messageId, status: 'failed', provider_id: null }),
    ])
    expect(await textsToday(store.id)).toBe(0)
  })

  it('lists a text again when its retry after a 429 goes, with its SID', async () => {
    const { store, id, stub } = await abandonedCart([step('sms-1', 'sms', 0)])
    const twilio = calls()
    await abandonWith(stub, { sms: rateLimited(twilio) })
    await later(stub, 0, { sms: twilioAt(twilioApi(), twilio) })
    expect(twilio.sent).toHaveLength(2)
    expect(idIn(twilio.sent[1])).toBe(idIn(twilio.sent[0]))
    expect(await runsOf(stub)).toEqual([['sms-1', 'sent', null]])
    expect(await messageRows('cart_id = ?', id)).toEqual([
      expect.objectContaining({
        id: idIn(twilio.sent[0]),
        status: 'accepted',
        provider_id: sidOf(twilio.answers[1]),
        error: null,
      }),
    ])
    expect(await textsToday(store.id)).toBe(1)
  })

  it('counts a text cut off mid-call although its step was stopped before the restart', async () => {
    const { store, id, stub } = await abandonedCart([step('sms-1', 'sms', 0)])
    const twilio = calls()
    await abandonWith(stub, { sms: crashAfterCall(twilio) })
    expect(await outboxOf(stub)).toEqual([{ state: 'calling', attempts: 0, last_error: null }])
    expect((await archive(store.id, id)).status).toBe(200)

    await later(stub, 0, { sms: twilioAt(twilioApi(), twilio) })
    expect(twilio.sent).toHaveLength(1)
    expect(await outboxOf(stub)).toEqual([
      { state: 'failed', attempts: 0, last_error: 'outcome_unknown' },
    ])
    // It may have gone: still listed as unknown (not withdrawn), and counted toward the cap.
    expect(await messageRows('cart_id = ?', id)).toEqual([
      expect.objectContaining({ id: idIn(twilio.sent[0]), status: 'unknown' }),
    ])
    expect(await textsToday(store.id)).toBe(1)
  })

  it('takes a text of unknown outcome whose link rebuilt the cart as sent: clicked, credited', async () => {
    const { store, id, stub } = await abandonedCart([step('sms-1', 'sms', 0)])
    const twilio = calls()
    await abandonWith(stub, { sms: crashAfterCall(twilio) })
    await later(stub, 0, { sms: twilioAt(twilioApi(), twilio) })
    const messageId = idIn(twilio.sent[0])
    expect((await stub.snapshot())!.state.runs[0]).toMatchObject({
      status: 'failed',
      reason: 'outcome_unknown',
      messageId,
    })

    const token = await signRestoreToken('test-signing-secret-0123456789abcdef', {
      storeId: store.id,
      cartId: id,
      step: 'sms-1',
      exp: Math.floor(Date.now() / 1000) + 3600,
    })
    const rebuilt = await call(`/v1/restore/${token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: ORIGIN },
      body: '{}',
    })
    expect(rebuilt.status).toBe(200)
    const [run] = (await stub.snapshot())!.state.runs
    expect(run).toMatchObject({ status: 'sent', reason: null, messageId })
    expect(run!.clickedAt).not.toBeNull()

    await beacon({
      store: store.publishableKey,
      cart: id,
      type: 'order',
      items: ITEMS,
      order: { id: '5001', total: 5600 },
    })
    expect((await stub.snapshot())!.state.attribution).toEqual({
      step: 'sms-1',
      channel: 'sms',
      via: 'click',
    })
  })
})

describe('texts the contact object sends (keyword answers, AI replies, the opt-in request)', () => {
  const refOf = (storeId: string) => ({ storeId, channel: 'sms' as const, address: PHONE })
  const contactOf = (storeId: string) => contactStub(env.CONTACT, refOf(storeId))

  /**
   * The contact object's providers (reset by every restart), and its clock, by default five
   * minutes ahead of the runtime's: the alarm it arms for a text is then not due for the runtime,
   * so only `handled` rings it, and handling is over when that returns.
   */
  async function useContactAdapters(
    storeId: string,
    patch: Patch & { failResponder?: boolean },
    clock: 'ahead' | 'runtime' = 'ahead',
  ) {
    const { failResponder, ...rest } = patch
    const base = createAdapters(env)
    await runInDurableObject(contactOf(storeId), (o: ContactObject) => {
      if (clock === 'ahead') o.clock = () => Date.now() + 5 * 60_000
      Object.assign(o, {
        adapters: {
          ...base,
          ...rest,
          responder: (model: string) => {
            if (failResponder) throw new Error('object evicted while drafting the answer')
            return base.responder(model)
          },
        },
      })
    })
  }

  /** Rings the contact's alarm (it may throw: a cut-off call); then no text is left unhandled. */
  async function handled(storeId: string) {
    await runDurableObjectAlarm(contactOf(storeId)).catch(() => false)
    const row = await runInDurableObject(contactOf(storeId), (_o, s) =>
      s.storage.sql
        .exec<{ pending: number; attempts: number }>(
          'SELECT COALESCE(SUM(pending), 0) AS pending, COALESCE(MAX(attempts), 0) AS attempts FROM inbound',
        )
        .one(),
    )
    if (row.pending === 0 || row.attempts > 0) return row
    throw new Error('the text was never handled')
  }

  /** A restart of the contact object, then its retry (due a minute later) run now. */
  async function restartAndRetry(storeId: string, patch: Patch) {
    await evictDurableObject(contactOf(storeId))
    await runInDurableObject(contactOf(storeId), (_o, s) => s.storage.kv.delete('retryAt'))
    await useContactAdapters(storeId, patch)
    return handled(storeId)
  }

  const replyKeys = (storeId: string) =>
    runInDurableObject(contactOf(storeId), (_o, s) =>
      s.storage.sql.exec<{ state: string }>('SELECT state FROM replies').toArray(),
    )

  it('lists a reply whose Twilio call timed out as unknown before the call; the callback settles it', async () => {
    const { store, id } = await abandonedCart([step('email-1', 'email', 3600)])
    const twilio = calls()
    const listedAtCall: unknown[] = []
    const hungTwilio = twilioAt(hung(), twilio)
    await useContactAdapters(store.id, {
      sms: {
        ...hungTwilio,
        async send(m, o) {
          listedAtCall.push(...(await messageRows('id = ?', idIn(m))).map((r) => r.status))
          return hungTwilio.send(m, o)
        },
      },
    })
    await twilioInbound(store.id, 'HELP', PHONE)
    expect(await handled(store.id)).toEqual({ pending: 0, attempts: 0 })
    expect(twilio.sent).toHaveLength(1)
    expect(listedAtCall).toEqual(['unknown'])
    const messageId = idIn(twilio.sent[0])
    expect(twilio.sent[0]!.statusCallback).toBe(
      `https://cartback.test/webhooks/twilio/${store.id}/status?m=${messageId}`,
    )
    expect(await messageRows("step_id = 'help' AND store_id = ?", store.id)).toEqual([
      {
        id: messageId,
        step_id: 'help',
        cart_id: id,
        status: 'unknown',
        provider: 'twilio',
        provider_id: null,
        error: 'outcome_unknown',
      },
    ])
    // It may have gone: it counts toward the cap, and the same HELP again is not answered twice.
    expect(await textsToday(store.id)).toBe(1)
    expect(await replyKeys(store.id)).toEqual([{ state: 'unknown' }])

    const sid = `SM${'e1'.repeat(16)}`
    const res = await statusCallback(store.id, messageId, sid, 'delivered')
    expect(await res.json()).toEqual({ ok: true, updated: true })
    expect(await messageRows('id = ?', messageId)).toEqual([
      expect.objectContaining({ status: 'delivered', provider_id: sid, error: null }),
    ])
  })

  it('never resends a keyword answer cut off after Twilio took it', async () => {
    const { store } = await abandonedCart([step('email-1', 'email', 3600)])
    const twilio = calls()
    await useContactAdapters(store.id, {
      sms: twilioAt(twilioApi(), twilio, () => {
        throw new Error('object evicted before the answer was recorded')
      }),
    })
    await twilioInbound(store.id, 'HELP', PHONE)
    expect(await handled(store.id)).toEqual({ pending: 1, attempts: 1 })
    expect(twilio.sent).toHaveLength(1)
    const messageId = idIn(twilio.sent[0])
    expect(await replyKeys(store.id)).toEqual([{ state: 'calling' }])
    expect(await messageRows('id = ?', messageId)).toEqual([
      expect.objectContaining({ status: 'unknown', provider_id: null }),
    ])

    expect(await restartAndRetry(store.id, { sms: twilioAt(twilioApi(), twilio) })).toEqual({
      pending: 0,
      attempts: 1,
    })
    expect(twilio.sent).toHaveLength(1)
    expect(await replyKeys(store.id)).toEqual([{ state: 'unknown' }])
    expect(await textsToday(store.id)).toBe(1)
    const sid = sidOf(twilio.answers[0])!
    await statusCallback(store.id, messageId, sid, 'delivered')
    expect(await messageRows('id = ?', messageId)).toEqual([
      expect.objectContaining({ status: 'delivered', provider_id: sid }),
    ])
  })

  it('sends an AI answer cut off before the call once, after the restart', async () => {
    const { store } = await abandonedCart([step('email-1', 'email', 3600)])
    const twilio = calls()
    await useContactAdapters(store.id, { sms: twilioAt(twilioApi(), twilio), failResponder: true })
    await twilioInbound(store.id, 'What is your returns policy?', PHONE)
    expect(await handled(store.id)).toEqual({ pending: 1, attempts: 1 })
    expect(twilio.sent).toHaveLength(0)
    expect(await replyKeys(store.id)).toEqual([])
    expect(await messageRows("step_id = 'ai' AND store_id = ?", store.id)).toEqual([])

    await restartAndRetry(store.id, { sms: twilioAt(twilioApi(), twilio) })
    expect(twilio.sent).toHaveLength(1)
    const sid = sidOf(twilio.answers[0])
    expect(await messageRows("step_id = 'ai' AND store_id = ?", store.id)).toEqual([
      expect.objectContaining({ id: idIn(twilio.sent[0]), status: 'accepted', provider_id: sid }),
    ])
    expect(await replyKeys(store.id)).toEqual([{ state: 'sent' }])
    expect(await textsToday(store.id)).toBe(1)
    await runDurableObjectAlarm(contactOf(store.id))
    expect(twilio.sent).toHaveLength(1)
  })

  it("files a merchant's reply with an unknown outcome under its cart, and says not to resend it blindly", async () => {
    const { store, id } = await abandonedCart([step('email-1', 'email', 3600)])
    const twilio = calls()
    await useContactAdapters(store.id, { sms: twilioAt(hung(), twilio) })
    const res = await api(`/carts/${store.id}/${id}/reply`, {
      method: 'POST',
      json: { text: 'Hi, Sam here. Your size is back in stock.' },
    })
    expect(res.status).toBe(503)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      'may have been sent',
    )
    expect(await messageRows("step_id = 'merchant' AND store_id = ?", store.id)).toEqual([
      expect.objectContaining({ id: idIn(twilio.sent[0]), cart_id: id, status: 'unknown' }),
    ])
    expect(await textsToday(store.id)).toBe(1)
  })

  it('answers HELP at the daily cap: its texts count toward the cap but never wait for it', async () => {
    const { store } = await abandonedCart([step('email-1', 'email', 3600)])
    for (const ago of [3, 2, 1])
      await contactOf(store.id).recordText(Date.now() - ago * HOUR, 'other-cart')
    const twilio = calls()
    await useContactAdapters(store.id, { sms: twilioAt(twilioApi(), twilio) })
    await twilioInbound(store.id, 'HELP', PHONE)
    expect(await handled(store.id)).toEqual({ pending: 0, attempts: 0 })
    expect(twilio.sent).toHaveLength(1)
    expect(await textsToday(store.id)).toBe(4)
  })

  it('loads the v2 layout: a key sent before the marks stays sent', async () => {
    const store = await createStore()
    const stub = contactOf(store.id)
    await runInDurableObject(stub, (_o, s) => {
      s.storage.sql.exec(`DROP TABLE replies;
        CREATE TABLE replies (id TEXT PRIMARY KEY, at INTEGER NOT NULL);
        INSERT INTO replies (id, at) VALUES ('msg_old', 1)`)
      s.storage.kv.put('schemaVersion', 2)
    })
    await evictDurableObject(stub)
    const after = await runInDurableObject(stub, (_o, s) => ({
      rows: s.storage.sql.exec('SELECT id, state, cart_id FROM replies').toArray(),
      version: s.storage.kv.get('schemaVersion'),
    }))
    expect(after).toEqual({ rows: [{ id: 'msg_old', state: 'sent', cart_id: null }], version: 3 })
  })

  it('leaves the number awaiting YES when the opt-in request may have gone', async () => {
    const store = await createStore({
      settings: { inactivitySeconds: 60, sms: { doubleOptIn: true, fromNumber: '+14155550000' } },
    })
    const twilio = calls()
    await useContactAdapters(store.id, { sms: twilioAt(hung(), twilio) })
    const id = cartId()
    await beacon({
      store: store.publishableKey,
      cart: id,
      type: 'contact',
      items: ITEMS,
      contact: { phone: PHONE, timezone: middayZone() },
      consent: { sms: true, text: 'Text me cart reminders. Reply STOP to opt out.' },
    })
    expect(twilio.sent).toHaveLength(1)
    const messageId = idIn(twilio.sent[0])
    expect((await contactOf(store.id).facts(refOf(store.id))).optIn).toBe('pending')
    expect(await messageRows("step_id = 'optin' AND store_id = ?", store.id)).toEqual([
      expect.objectContaining({ id: messageId, cart_id: id, status: 'unknown' }),
    ])
    const stub = cartStub(env.CART, { storeId: store.id, cartId: id })
    expect((await stub.snapshot())!.journal.filter((j) => j.step === 'optin')).toEqual([
      expect.objectContaining({
        type: 'message.unknown',
        messageId,
        reason: 'outcome_unknown',
      }),
    ])
    expect(await textsToday(store.id)).toBe(1)
  })

  const alarmOf = (storeId: string) =>
    runInDurableObject(contactOf(storeId), (_o, s) => s.storage.getAlarm())
  const replyTo = (storeId: string, id: string, text: string, key?: string) =>
    api(`/carts/${storeId}/${id}/reply`, {
      method: 'POST',
      json: { text },
      ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
    })

  it("arms the settling alarm before a merchant's reply is sent: cut off mid-call, it is settled and counted", async () => {
    const { store, id } = await abandonedCart([step('email-1', 'email', 3600)])
    const twilio = calls()
    await useContactAdapters(store.id, { sms: crashAfterCall(twilio) }, 'runtime')
    const before = Date.now()
    await replyTo(store.id, id, 'Hi, Sam here.')
    expect(twilio.sent).toHaveLength(1)
    expect(await replyKeys(store.id)).toEqual([{ state: 'calling' }])
    // Armed for ten minutes from the call, not left at the consent ledger's far-off purge.
    const alarm = await alarmOf(store.id)
    expect(alarm).not.toBeNull()
    expect(alarm!).toBeGreaterThanOrEqual(before + 10 * 60_000)
    expect(alarm!).toBeLessThanOrEqual(Date.now() + 10 * 60_000)

    // Ten minutes on, the restarted object's alarm settles it: unknown, counted once.
    await runInDurableObject(contactOf(store.id), (_o, s) => {
      s.storage.sql.exec('UPDATE replies SET at = at - 600000')
    })
    await evictDurableObject(contactOf(store.id))
    expect(await runDurableObjectAlarm(contactOf(store.id))).toBe(true)
    expect(await replyKeys(store.id)).toEqual([{ state: 'unknown' }])
    expect(await textsToday(store.id)).toBe(1)
    expect(twilio.sent).toHaveLength(1)
  })

  it("sends a merchant's reply once per Idempotency-Key, even resubmitted after a failure mid-send", async () => {
    const { store, id } = await abandonedCart([step('email-1', 'email', 3600)])
    const twilio = calls()
    await useContactAdapters(store.id, { sms: crashAfterCall(twilio) })
    const first = await replyTo(store.id, id, 'Your size is back.', 'reply-1')
    // The object failed mid-send: not a generic 500, a "may have been sent".
    expect(first.status).toBe(503)
    expect(((await first.json()) as { error: { message: string } }).error.message).toContain(
      'may have been sent',
    )

    await useContactAdapters(store.id, { sms: twilioAt(twilioApi(), twilio) })
    const again = await replyTo(store.id, id, 'Your size is back.', 'reply-1')
    expect(again.status).toBe(503)
    expect(twilio.sent).toHaveLength(1)
    // It may have reached the shopper: it is in the thread.
    type Detail = { conversation: { turns: { author: string; text: string }[] } }
    const turns = async () =>
      ((await (await api(`/carts/${store.id}/${id}`)).json()) as Detail).conversation.turns
    expect(await turns()).toEqual([
      expect.objectContaining({ author: 'merchant', text: 'Your size is back.' }),
    ])

    // Another key is another text; that one resubmitted answers as it did, and sends nothing.
    for (let i = 0; i < 2; i++)
      expect((await replyTo(store.id, id, 'See you soon.', 'reply-2')).status).toBe(200)
    expect(twilio.sent).toHaveLength(2)
    expect((await turns()).map((t) => t.text)).toEqual(['Your size is back.', 'See you soon.'])

    const bad = await replyTo(store.id, id, 'Hello', 'no spaces allowed')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST')
    expect(twilio.sent).toHaveLength(2)
  })

  it('lists an AI answer again when its retry after a 429 goes, with its SID', async () => {
    const { store } = await abandonedCart([step('email-1', 'email', 3600)])
    const twilio = calls()
    await useContactAdapters(store.id, { sms: rateLimited(twilio) })
    await twilioInbound(store.id, 'What is your returns policy?', PHONE)
    expect(await handled(store.id)).toEqual({ pending: 1, attempts: 1 })
    const messageId = idIn(twilio.sent[0])
    expect(await messageRows('id = ?', messageId)).toEqual([
      expect.objectContaining({ status: 'failed', error: 'twilio_20429' }),
    ])

    await restartAndRetry(store.id, { sms: twilioAt(twilioApi(), twilio) })
    expect(twilio.sent).toHaveLength(2)
    expect(idIn(twilio.sent[1])).toBe(messageId)
    expect(await messageRows('id = ?', messageId)).toEqual([
      expect.objectContaining({
        status: 'accepted',
        provider_id: sidOf(twilio.answers[1]),
        error: null,
      }),
    ])
  })
})
