import { isRetryableStatus } from '../types'
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
        return { ok: false, retryable: true, code: 'network_error', message: String(err) }
      }
      const body = (await res.json().catch(() => null)) as {
        sid?: string
        code?: number
        message?: string
      } | null
      if (res.ok && body?.sid) return { ok: true, providerId: body.sid }
      return {
        ok: false,
        retryable: isRetryableStatus(res.status),
        code: body?.code ? `twilio_${body.code}` : `http_${res.status}`,
        message: body?.message ?? res.statusText,
      }
    },
  }
}
