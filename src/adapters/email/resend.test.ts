import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hungServer } from '#test/fakes/http'
import { fakeResend } from '#test/fakes/resend'
import { resendEmail } from './resend'
import type { EmailMessage } from './types'

let fake: Awaited<ReturnType<typeof fakeResend>>
beforeAll(async () => {
  fake = await fakeResend('re_test_key')
})
afterAll(() => fake.close())

const message = (to: string): EmailMessage => ({
  from: '"Acme" <shop@acme.example>',
  to,
  replyTo: 'help@acme.example',
  subject: 'Your cart',
  html: '<p>Hi</p>',
  text: 'Hi',
  unsubscribeUrl: 'https://cartback.example/u/TOKEN',
})

describe('resendEmail against a local Resend', () => {
  it('POSTs /emails with the key, the idempotency key and RFC 8058 unsubscribe headers', async () => {
    const email = resendEmail({ apiKey: 're_test_key', baseUrl: fake.url })
    const result = await email.send(message('ada@example.com'), {
      idempotencyKey: 'cart:1:email-1h:email',
    })
    expect(result).toEqual({ ok: true, providerId: expect.stringMatching(/^re_\d+$/) })
    const req = fake.requests.at(-1)!
    expect(req.method).toBe('POST')
    expect(req.path).toBe('/emails')
    expect(req.headers.authorization).toBe('Bearer re_test_key')
    expect(req.headers['idempotency-key']).toBe('cart:1:email-1h:email')
    expect(JSON.parse(req.body)).toMatchObject({
      from: '"Acme" <shop@acme.example>',
      to: 'ada@example.com',
      reply_to: 'help@acme.example',
      subject: 'Your cart',
      html: '<p>Hi</p>',
      text: 'Hi',
      headers: {
        'List-Unsubscribe': '<https://cartback.example/u/TOKEN>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    })
  })

  it('gets the same id back for a repeated idempotency key', async () => {
    const email = resendEmail({ apiKey: 're_test_key', baseUrl: fake.url })
    const a = await email.send(message('ada@example.com'), { idempotencyKey: 'same' })
    const b = await email.send(message('ada@example.com'), { idempotencyKey: 'same' })
    expect(a).toEqual(b)
  })

  it.each([
    [
      'a rate limit as retryable',
      'ratelimit@example.com',
      { retryable: true, code: 'rate_limit_exceeded' },
    ],
    [
      'a server error as retryable',
      'down@example.com',
      { retryable: true, code: 'internal_server_error' },
    ],
    [
      'a validation error as permanent',
      'invalid@example.com',
      { retryable: false, code: 'validation_error' },
    ],
  ])('classifies %s', async (_n, to, expected) => {
    const email = resendEmail({ apiKey: 're_test_key', baseUrl: fake.url })
    expect(await email.send(message(to), { idempotencyKey: `k-${to}` })).toMatchObject({
      ok: false,
      ...expected,
    })
  })

  it('counts a retry whose payload changed since the first attempt as sent, not failed', async () => {
    const email = resendEmail({ apiKey: 're_test_key', baseUrl: fake.url })
    const key = 'cart:2:email-1h:email'
    const first = await email.send(message('ada@example.com'), { idempotencyKey: key })
    expect(first.ok).toBe(true)
    const edited = { ...message('ada@example.com'), subject: 'Your cart, edited' }
    const retry = await email.send(edited, { idempotencyKey: key })
    expect(fake.requests.filter((r) => r.headers['idempotency-key'] === key)).toHaveLength(2)
    expect(retry).toEqual({ ok: true, providerId: `resend-key:${key}` })
  })

  it('classifies a wrong key as permanent and an unreachable host as retryable', async () => {
    const wrongKey = resendEmail({ apiKey: 're_wrong', baseUrl: fake.url })
    expect(await wrongKey.send(message('ada@example.com'), { idempotencyKey: 'k' })).toMatchObject({
      ok: false,
      retryable: false,
    })
    const nowhere = resendEmail({ apiKey: 're_test_key', baseUrl: 'http://127.0.0.1:9' })
    expect(await nowhere.send(message('ada@example.com'), { idempotencyKey: 'k' })).toMatchObject({
      ok: false,
      retryable: true,
    })
  })

  it('gives up on a hung Resend after its timeout, as a retryable failure', async () => {
    const hung = await hungServer()
    try {
      const email = resendEmail({ apiKey: 're_test_key', baseUrl: hung.url, timeoutMs: 200 })
      const started = Date.now()
      const result = await email.send(message('ada@example.com'), { idempotencyKey: 'k-hung' })
      expect(Date.now() - started).toBeGreaterThanOrEqual(190)
      expect(Date.now() - started).toBeLessThan(5_000)
      expect(result).toMatchObject({ ok: false, retryable: true, code: 'timeout' })
      // The request did leave, with its key: the retry is dropped by Resend if this one landed.
      expect(hung.requests[0]?.headers['idempotency-key']).toBe('k-hung')
    } finally {
      await hung.close()
    }
  })
})
