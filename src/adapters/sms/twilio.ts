import type { SmsSender } from './types'

/**
 * Texts through Twilio's REST API with fetch (the twilio package does not run reliably on
 * Workers): POST /2010-04-01/Accounts/{sid}/Messages.json, form-encoded, Basic auth.
 */
export function twilioSms(opts: {
  accountSid: string
  authToken: string
  baseUrl?: string
}): SmsSender {
  const base = (opts.baseUrl ?? 'https://api.twilio.com').replace(/\/$/, '')
  const auth = `Basic ${btoa(`${opts.accountSid}:${opts.authToken}`)}`
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
      let res: Response
      try {
        res = await fetch(
          `${base}/2010-04-01/Accounts/${encodeURIComponent(opts.accountSid)}/Messages.json`,
          {
            method: 'POST',
            headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' },
            body: form,
          },
        )
      } catch (err) {
        // The request may have reached Twilio: without an idempotency key, never retry it.
        return { ok: false, retryable: false, code: 'outcome_unknown', message: String(err) }
      }
      const body = (await res.json().catch(() => null)) as {
        sid?: string
        code?: number
        message?: string
      } | null
      if (res.ok && body?.sid) return { ok: true, providerId: body.sid }
      // 429 is a refusal (nothing sent): retry. A 5xx may follow an accepted message: unknown.
      if (res.status >= 500) {
        return {
          ok: false,
          retryable: false,
          code: 'outcome_unknown',
          message: body?.message ?? res.statusText,
        }
      }
      return {
        ok: false,
        retryable: res.status === 429,
        code: body?.code ? `twilio_${body.code}` : `http_${res.status}`,
        message: body?.message ?? res.statusText,
      }
    },
  }
}
