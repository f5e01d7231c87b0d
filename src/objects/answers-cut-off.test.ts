// Texts the contact object sends (keyword answers, AI replies, the opt-in request) cut off around
// the Twilio call: each goes once, and one Twilio may have taken is listed and counted.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { contactCart } from '#test/carts'
import { api, createStore } from '#test/helpers'
import {
  abandonedCart,
  CONSENT,
  calls,
  contactOf,
  HOUR,
  handled,
  hung,
  idIn,
  messageRows,
  PHONE,
  rateLimited,
  refOf,
  replyKeys,
  restartAndRetry,
  sidOf,
  statusCallback,
  step,
  textsToday,
  twilioApi,
  twilioAt,
  useContactAdapters,
} from '#test/provider-calls'
import { twilioInbound } from '#test/texts'
import { middayZone } from '#test/zones'
import { cartStub } from './stubs'

describe('texts the contact object sends (keyword answers, AI replies, the opt-in request)', () => {
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
    const contact = { phone: PHONE, timezone: middayZone() }
    const { id } = await contactCart(store, contact, { consent: CONSENT })
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
