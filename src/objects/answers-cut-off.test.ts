// Texts the contact object sends (keyword answers, AI replies, the opt-in request) cut off around
// the Twilio call: each goes once, and one Twilio may have taken is listed and counted.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { contactCart } from '#test/carts'
import { api, createStore } from '#test/helpers'
import * as provider from '#test/provider-calls'
import { twilioInbound } from '#test/texts'
import { middayZone } from '#test/zones'
import { cartStub } from './stubs'

describe('texts the contact object sends (keyword answers, AI replies, the opt-in request)', () => {
  it('lists a reply whose Twilio call timed out as unknown before the call; the callback settles it', async () => {
    const { store, id } = await provider.abandonedCart([provider.step('email-1', 'email', 3600)])
    const twilio = provider.calls()
    const listedAtCall: unknown[] = []
    const hungTwilio = provider.twilioAt(provider.hung(), twilio)
    await provider.useContactAdapters(store.id, {
      sms: {
        ...hungTwilio,
        async send(m, o) {
          listedAtCall.push(
            ...(await provider.messageRows('id = ?', provider.idIn(m))).map((r) => r.status),
          )
          return hungTwilio.send(m, o)
        },
      },
    })
    await twilioInbound(store.id, 'HELP', provider.PHONE)
    expect(await provider.handled(store.id)).toEqual({ pending: 0, attempts: 0 })
    expect(twilio.sent).toHaveLength(1)
    expect(listedAtCall).toEqual(['unknown'])
    const messageId = provider.idIn(twilio.sent[0])
    expect(twilio.sent[0]!.statusCallback).toBe(
      `https://cartback.test/webhooks/twilio/${store.id}/status?m=${messageId}`,
    )
    expect(await provider.messageRows("step_id = 'help' AND store_id = ?", store.id)).toEqual([
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
    expect(await provider.textsToday(store.id)).toBe(1)
    expect(await provider.replyKeys(store.id)).toEqual([{ state: 'unknown' }])

    const sid = `SM${'e1'.repeat(16)}`
    const res = await provider.statusCallback(store.id, messageId, sid, 'delivered')
    expect(await res.json()).toEqual({ ok: true, updated: true })
    expect(await provider.messageRows('id = ?', messageId)).toEqual([
      expect.objectContaining({ status: 'delivered', provider_id: sid, error: null }),
    ])
  })

  it('never resends a keyword answer cut off after Twilio took it', async () => {
    const { store } = await provider.abandonedCart([provider.step('email-1', 'email', 3600)])
    const twilio = provider.calls()
    await provider.useContactAdapters(store.id, {
      sms: provider.twilioAt(provider.twilioApi(), twilio, () => {
        throw new Error('object evicted before the answer was recorded')
      }),
    })
    await twilioInbound(store.id, 'HELP', provider.PHONE)
    expect(await provider.handled(store.id)).toEqual({ pending: 1, attempts: 1 })
    expect(twilio.sent).toHaveLength(1)
    const messageId = provider.idIn(twilio.sent[0])
    expect(await provider.replyKeys(store.id)).toEqual([{ state: 'calling' }])
    expect(await provider.messageRows('id = ?', messageId)).toEqual([
      expect.objectContaining({ status: 'unknown', provider_id: null }),
    ])

    expect(
      await provider.restartAndRetry(store.id, {
        sms: provider.twilioAt(provider.twilioApi(), twilio),
      }),
    ).toEqual({
      pending: 0,
      attempts: 1,
    })
    expect(twilio.sent).toHaveLength(1)
    expect(await provider.replyKeys(store.id)).toEqual([{ state: 'unknown' }])
    expect(await provider.textsToday(store.id)).toBe(1)
    const sid = provider.sidOf(twilio.answers[0])!
    await provider.statusCallback(store.id, messageId, sid, 'delivered')
    expect(await provider.messageRows('id = ?', messageId)).toEqual([
      expect.objectContaining({ status: 'delivered', provider_id: sid }),
    ])
  })

  it('sends an AI answer cut off before the call once, after the restart', async () => {
    const { store } = await provider.abandonedCart([provider.step('email-1', 'email', 3600)])
    const twilio = provider.calls()
    await provider.useContactAdapters(store.id, {
      sms: provider.twilioAt(provider.twilioApi(), twilio),
      failResponder: true,
    })
    await twilioInbound(store.id, 'What is your returns policy?', provider.PHONE)
    expect(await provider.handled(store.id)).toEqual({ pending: 1, attempts: 1 })
    expect(twilio.sent).toHaveLength(0)
    expect(await provider.replyKeys(store.id)).toEqual([])
    expect(await provider.messageRows("step_id = 'ai' AND store_id = ?", store.id)).toEqual([])

    await provider.restartAndRetry(store.id, {
      sms: provider.twilioAt(provider.twilioApi(), twilio),
    })
    expect(twilio.sent).toHaveLength(1)
    const sid = provider.sidOf(twilio.answers[0])
    expect(await provider.messageRows("step_id = 'ai' AND store_id = ?", store.id)).toEqual([
      expect.objectContaining({
        id: provider.idIn(twilio.sent[0]),
        status: 'accepted',
        provider_id: sid,
      }),
    ])
    expect(await provider.replyKeys(store.id)).toEqual([{ state: 'sent' }])
    expect(await provider.textsToday(store.id)).toBe(1)
    await runDurableObjectAlarm(provider.contactOf(store.id))
    expect(twilio.sent).toHaveLength(1)
  })

  it("files a merchant's reply with an unknown outcome under its cart, and says not to resend it blindly", async () => {
    const { store, id } = await provider.abandonedCart([provider.step('email-1', 'email', 3600)])
    const twilio = provider.calls()
    await provider.useContactAdapters(store.id, { sms: provider.twilioAt(provider.hung(), twilio) })
    const res = await api(`/carts/${store.id}/${id}/reply`, {
      method: 'POST',
      json: { text: 'Hi, Sam here. Your size is back in stock.' },
    })
    expect(res.status).toBe(503)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      'may have been sent',
    )
    expect(await provider.messageRows("step_id = 'merchant' AND store_id = ?", store.id)).toEqual([
      expect.objectContaining({
        id: provider.idIn(twilio.sent[0]),
        cart_id: id,
        status: 'unknown',
      }),
    ])
    expect(await provider.textsToday(store.id)).toBe(1)
  })

  it('answers HELP at the daily cap: its texts count toward the cap but never wait for it', async () => {
    const { store } = await provider.abandonedCart([provider.step('email-1', 'email', 3600)])
    for (const ago of [3, 2, 1])
      await provider.contactOf(store.id).recordText(Date.now() - ago * provider.HOUR, 'other-cart')
    const twilio = provider.calls()
    await provider.useContactAdapters(store.id, {
      sms: provider.twilioAt(provider.twilioApi(), twilio),
    })
    await twilioInbound(store.id, 'HELP', provider.PHONE)
    expect(await provider.handled(store.id)).toEqual({ pending: 0, attempts: 0 })
    expect(twilio.sent).toHaveLength(1)
    expect(await provider.textsToday(store.id)).toBe(4)
  })

  it('loads the v2 layout: a key sent before the marks stays sent', async () => {
    const store = await createStore()
    const stub = provider.contactOf(store.id)
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
    const twilio = provider.calls()
    await provider.useContactAdapters(store.id, { sms: provider.twilioAt(provider.hung(), twilio) })
    const contact = { phone: provider.PHONE, timezone: middayZone() }
    const { id } = await contactCart(store, contact, { consent: provider.CONSENT })
    expect(twilio.sent).toHaveLength(1)
    const messageId = provider.idIn(twilio.sent[0])
    expect((await provider.contactOf(store.id).facts(provider.refOf(store.id))).optIn).toBe(
      'pending',
    )
    expect(await provider.messageRows("step_id = 'optin' AND store_id = ?", store.id)).toEqual([
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
    expect(await provider.textsToday(store.id)).toBe(1)
  })

  it('lists an AI answer again when its retry after a 429 goes, with its SID', async () => {
    const { store } = await provider.abandonedCart([provider.step('email-1', 'email', 3600)])
    const twilio = provider.calls()
    await provider.useContactAdapters(store.id, { sms: provider.rateLimited(twilio) })
    await twilioInbound(store.id, 'What is your returns policy?', provider.PHONE)
    expect(await provider.handled(store.id)).toEqual({ pending: 1, attempts: 1 })
    const messageId = provider.idIn(twilio.sent[0])
    expect(await provider.messageRows('id = ?', messageId)).toEqual([
      expect.objectContaining({ status: 'failed', error: 'twilio_20429' }),
    ])

    await provider.restartAndRetry(store.id, {
      sms: provider.twilioAt(provider.twilioApi(), twilio),
    })
    expect(twilio.sent).toHaveLength(2)
    expect(provider.idIn(twilio.sent[1])).toBe(messageId)
    expect(await provider.messageRows('id = ?', messageId)).toEqual([
      expect.objectContaining({
        status: 'accepted',
        provider_id: provider.sidOf(twilio.answers[1]),
        error: null,
      }),
    ])
  })
})
