import { callSignal, type ProviderCallOptions, type SendResult } from '../types'
import type { SmsSender } from './types'

/**
 * Texts through Twilio's REST API with fetch (the twilio package does not run reliably on
 * Workers): POST /2010-04-01/Accounts/{sid}/Messages.json, form-encoded, Basic auth. Twilio has
 * no idempotency key, so anything after the request may have left (a timeout, a dropped
 * connection, a 5xx, an unreadable answer) is `outcome_unknown` and never retried.
 */
export function twilioSms(
  opts: {
    accountSid: string
    authToken: string
    baseUrl?: string
  } & ProviderCallOptions,
): SmsSender {
  const base = (opts.baseUrl ?? 'https://api.twilio.com').replace(/\/$/, '')
  const auth = `Basic ${btoa(`${opts.accountSid}:${opts.authToken}`)}`
  const unknown = (message: string): SendResult => ({
    ok: false,
    retryable: false,
    code: 'outcome_unknown',
    message,
  })
  return {
    provider: 'twilio',
    idempotent: false,
    async send(message) {
      const form = new URLSearchParams({
        To: message.to,
        Body: message.body,
        StatusCallback: message.statusCallback,
      })
      if ('messagingServiceSid' in message.from)
        form.set('MessagingServiceSid', message.from.messagingServiceSid)
      else form.set('From', message.from.number)
      const signal = callSignal(opts)
      let res: Response
      let body: { sid?: string; code?: number; message?: string } | null
      try {
        res = await fetch(
          `${base}/2010-04-01/Accounts/${encodeURIComponent(opts.accountSid)}/Messages.json`,
          {
            method: 'POST',
            headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' },
            body: form,
            signal,
          },
        )
        body = (await res.json().catch(() => null)) as typeof body
      } catch (err) {
        // The request may have reached Twilio: without an idempotency key, never retry it.
        return unknown(signal.aborted ? 'Twilio did not answer in time' : String(err))
      }
      if (res.ok && body?.sid) return { ok: true, providerId: body.sid }
      // An accepted request whose answer we could not read (cut off, timed out) may have sent.
      if (res.ok) return unknown('Twilio accepted the request without a SID')
      // 429 is a refusal (nothing sent): retry. A 5xx may follow an accepted message: unknown.
      if (res.status >= 500) return unknown(body?.message ?? res.statusText)
      return {
        ok: false,
        retryable: res.status === 429,
        code: body?.code ? `twilio_${body.code}` : `http_${res.status}`,
        message: body?.message ?? res.statusText,
      }
    },
  }
}
