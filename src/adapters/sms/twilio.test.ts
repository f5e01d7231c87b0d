import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hungServer } from '#test/fakes/http'
import { fakeTwilio } from '#test/fakes/twilio'
import { twilioSms } from './twilio'
import type { SmsMessage } from './types'

const SID = 'AC00000000000000000000000000000001'
let fake: Awaited<ReturnType<typeof fakeTwilio>>
beforeAll(async () => {
  fake = await fakeTwilio(SID, 'twilio-token')
})
afterAll(() => fake.close())

const text = (
  to: string,
  from: SmsMessage['from'] = { messagingServiceSid: `MG${'0'.repeat(32)}` },
): SmsMessage => ({
  to,
  body: 'Acme: finish here https://c.example/s/abc\nReply STOP to opt out',
  statusCallback: 'https://cartback.example/webhooks/twilio/st_1/status',
  from,
})

describe('twilioSms against a local Twilio', () => {
  it('POSTs the form with Basic auth, the Messaging Service and the status callback', async () => {
    const sms = twilioSms({ accountSid: SID, authToken: 'twilio-token', baseUrl: fake.url })
    const result = await sms.send(text('+14155552671'), { idempotencyKey: 'k' })
    expect(result).toEqual({ ok: true, providerId: expect.stringMatching(/^SM\d{32}$/) })
    const req = fake.requests.at(-1)!
    expect(req.method).toBe('POST')
    expect(req.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`)
    expect(req.headers.authorization).toBe(
      `Basic ${Buffer.from(`${SID}:twilio-token`).toString('base64')}`,
    )
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(Object.fromEntries(new URLSearchParams(req.body))).toEqual({
      To: '+14155552671',
      Body: 'Acme: finish here https://c.example/s/abc\nReply STOP to opt out',
      StatusCallback: 'https://cartback.example/webhooks/twilio/st_1/status',
      MessagingServiceSid: `MG${'0'.repeat(32)}`,
    })
  })

  it('sends From when the store uses a number', async () => {
    const sms = twilioSms({ accountSid: SID, authToken: 'twilio-token', baseUrl: fake.url })
    await sms.send(text('+14155552671', { number: '+14155550000' }), { idempotencyKey: 'k' })
    const form = new URLSearchParams(fake.requests.at(-1)!.body)
    expect(form.get('From')).toBe('+14155550000')
    expect(form.get('MessagingServiceSid')).toBeNull()
  })

  it.each([
    ['an invalid number as permanent', '+15005550001', { retryable: false, code: 'twilio_21211' }],
    [
      'an outage as an unknown outcome, never retried',
      '+15005550009',
      { retryable: false, code: 'outcome_unknown' },
    ],
    ['a rate limit as retryable', '+15005550029', { retryable: true, code: 'twilio_20429' }],
  ])('classifies %s', async (_n, to, expected) => {
    const sms = twilioSms({ accountSid: SID, authToken: 'twilio-token', baseUrl: fake.url })
    expect(await sms.send(text(to), { idempotencyKey: 'k' })).toMatchObject({
      ok: false,
      ...expected,
    })
  })

  it('classifies bad credentials as permanent, and a failed connection as an unknown outcome', async () => {
    const wrong = twilioSms({ accountSid: SID, authToken: 'nope', baseUrl: fake.url })
    expect(await wrong.send(text('+14155552671'), { idempotencyKey: 'k' })).toMatchObject({
      ok: false,
      retryable: false,
      code: 'twilio_20003',
    })
    const nowhere = twilioSms({
      accountSid: SID,
      authToken: 'twilio-token',
      baseUrl: 'http://127.0.0.1:9',
    })
    expect(await nowhere.send(text('+14155552671'), { idempotencyKey: 'k' })).toMatchObject({
      ok: false,
      retryable: false,
      code: 'outcome_unknown',
    })
  })

  it('gives up on a hung Twilio after its timeout, as an unknown outcome that is never retried', async () => {
    const hung = await hungServer()
    try {
      const sms = twilioSms({
        accountSid: SID,
        authToken: 'twilio-token',
        baseUrl: hung.url,
        timeoutMs: 200,
      })
      const started = Date.now()
      const result = await sms.send(text('+14155552671'), { idempotencyKey: 'k' })
      expect(Date.now() - started).toBeGreaterThanOrEqual(190)
      expect(Date.now() - started).toBeLessThan(5_000)
      expect(result).toEqual({
        ok: false,
        retryable: false,
        code: 'outcome_unknown',
        message: 'Twilio did not answer in time',
      })
      // Twilio got the whole request, status callback included: it may well send the text.
      expect(new URLSearchParams(hung.requests[0]?.body).get('StatusCallback')).toBe(
        'https://cartback.example/webhooks/twilio/st_1/status',
      )
    } finally {
      await hung.close()
    }
  })
})
