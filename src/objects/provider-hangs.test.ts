// Provider calls that hang (issue 11, point 10): the real adapters, pointed over real HTTP at a
// provider that never answers (test/fakes/global-setup.ts), give up after their timeout; the
// cart retries what may be retried and keeps every text Twilio may have taken.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { api, createStore } from '#test/helpers'
import * as provider from '#test/provider-calls'
import { twilioPost } from '#test/texts'
import { resendEmail } from '../adapters/email/resend'
import { twilioSms } from '../adapters/sms/twilio'
import type { SmsMessage } from '../adapters/sms/types'
import { contactStub } from './stubs'

describe('a provider that hangs', () => {
  it('times out the email, retries it, and the later step still goes at its time', async () => {
    const { stub } = await provider.abandonedCart([
      provider.step('email-1', 'email', 0),
      provider.step('email-2', 'email', 3600),
    ])
    const took = await provider.abandonWith(stub, {
      email: resendEmail({
        apiKey: 're_test',
        baseUrl: provider.hung(),
        timeoutMs: provider.TIMEOUT_MS,
      }),
    })
    // The alarm gave up after the timeout, not after the object's own limits.
    expect(took).toBeGreaterThanOrEqual(provider.TIMEOUT_MS)
    expect(took).toBeLessThan(10_000)
    const outbox = await runInDurableObject(stub, (_o, s) =>
      s.storage.sql
        .exec("SELECT state, attempts, last_error FROM outbox WHERE kind = 'message'")
        .toArray(),
    )
    expect(outbox).toEqual([{ state: 'pending', attempts: 1, last_error: 'timeout' }])
    expect(await provider.runsOf(stub)).toEqual([
      ['email-1', 'sending', null],
      ['email-2', 'scheduled', null],
    ])

    // Resend answers again (the dev outbox here): the retry goes, under the same key.
    await provider.later(stub, 0)
    expect((await provider.runsOf(stub))[0]).toEqual(['email-1', 'sent', null])
    // An hour later the second step goes, on time, not skipped as caught up.
    await provider.later(stub, provider.HOUR)
    expect(await provider.runsOf(stub)).toEqual([
      ['email-1', 'sent', null],
      ['email-2', 'sent', null],
    ])
  })

  it('keeps a timed-out text as unknown: listed, counted toward the cap, settled by its status callback', async () => {
    const { store, id, stub } = await provider.abandonedCart([
      provider.step('sms-1', 'sms', 0),
      provider.step('sms-2', 'sms', 3600),
    ])
    // Two texts this contact got today from another cart: the third reaches the cap of 3.
    const contact = { storeId: store.id, channel: 'sms' as const, address: provider.PHONE }
    for (const ago of [3, 2])
      await contactStub(env.CONTACT, contact).recordText(
        Date.now() - ago * provider.HOUR,
        'other-cart',
      )

    const sent: SmsMessage[] = []
    const twilio = twilioSms({
      accountSid: 'AC00000000000000000000000000000001',
      authToken: 'twilio-token',
      baseUrl: provider.hung(),
      timeoutMs: provider.TIMEOUT_MS,
    })
    const took = await provider.abandonWith(stub, {
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
        to: provider.PHONE,
        status: 'unknown',
        provider: 'twilio',
        error: 'outcome_unknown',
      }),
    ])
    expect((await detail()).messages[0]?.providerId).toBeUndefined()

    // It counts: the next text in the same 24 h waits for the cap, and nothing was resent.
    await provider.later(stub, provider.HOUR)
    const second = (await stub.snapshot())!.state.runs[1]
    expect(second).toMatchObject({ id: 'sms-2', status: 'deferred', reason: 'daily_text_cap' })
    expect(sent).toHaveLength(1)

    // Twilio did send it: its callback, signed over the URL with our id, settles the row.
    const path = `/webhooks/twilio/${store.id}/status?m=${messageId}`
    const sid = `SM${'ab'.repeat(16)}`
    const params = {
      MessageSid: sid,
      MessageStatus: 'delivered',
      AccountSid: 'AC1',
      To: provider.PHONE,
    }
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
