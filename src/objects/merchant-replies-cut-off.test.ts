// A merchant's reply cut off around the Twilio call: its settling alarm is armed first, and an
// Idempotency-Key sends it once.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { api } from '#test/helpers'
import * as provider from '#test/provider-calls'

describe('texts the contact object sends (keyword answers, AI replies, the opt-in request)', () => {
  it("arms the settling alarm before a merchant's reply is sent: cut off mid-call, it is settled and counted", async () => {
    const { store, id } = await provider.abandonedCart([provider.step('email-1', 'email', 3600)])
    const twilio = provider.calls()
    await provider.useContactAdapters(store.id, { sms: provider.crashAfterCall(twilio) }, 'runtime')
    const before = Date.now()
    await provider.replyTo(store.id, id, 'Hi, Sam here.')
    expect(twilio.sent).toHaveLength(1)
    expect(await provider.replyKeys(store.id)).toEqual([{ state: 'calling' }])
    // Armed for ten minutes from the call, not left at the consent ledger's far-off purge.
    const alarm = await provider.alarmOf(store.id)
    expect(alarm).not.toBeNull()
    expect(alarm!).toBeGreaterThanOrEqual(before + 10 * 60_000)
    expect(alarm!).toBeLessThanOrEqual(Date.now() + 10 * 60_000)

    // Ten minutes on, the restarted object's alarm settles it: unknown, counted once.
    await runInDurableObject(provider.contactOf(store.id), (_o, s) => {
      s.storage.sql.exec('UPDATE replies SET at = at - 600000')
    })
    await evictDurableObject(provider.contactOf(store.id))
    expect(await runDurableObjectAlarm(provider.contactOf(store.id))).toBe(true)
    expect(await provider.replyKeys(store.id)).toEqual([{ state: 'unknown' }])
    expect(await provider.textsToday(store.id)).toBe(1)
    expect(twilio.sent).toHaveLength(1)
  })

  it("sends a merchant's reply once per Idempotency-Key, even resubmitted after a failure mid-send", async () => {
    const { store, id } = await provider.abandonedCart([provider.step('email-1', 'email', 3600)])
    const twilio = provider.calls()
    await provider.useContactAdapters(store.id, { sms: provider.crashAfterCall(twilio) })
    const first = await provider.replyTo(store.id, id, 'Your size is back.', 'reply-1')
    // The object failed mid-send: not a generic 500, a "may have been sent".
    expect(first.status).toBe(503)
    expect(((await first.json()) as { error: { message: string } }).error.message).toContain(
      'may have been sent',
    )

    await provider.useContactAdapters(store.id, {
      sms: provider.twilioAt(provider.twilioApi(), twilio),
    })
    const again = await provider.replyTo(store.id, id, 'Your size is back.', 'reply-1')
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
      expect((await provider.replyTo(store.id, id, 'See you soon.', 'reply-2')).status).toBe(200)
    expect(twilio.sent).toHaveLength(2)
    expect((await turns()).map((t) => t.text)).toEqual(['Your size is back.', 'See you soon.'])

    const bad = await provider.replyTo(store.id, id, 'Hello', 'no spaces allowed')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST')
    expect(twilio.sent).toHaveLength(2)
  })
})
