// Texts as Twilio posts them: signed form POSTs to the webhooks.
import { call } from './helpers'
import { twilioSignature } from './twilio-sign'

let inboundSids = 0

/** A shopper's text as Twilio posts it, signed with the test auth token over the public URL. */
export function twilioInbound(
  storeId: string,
  body: string,
  from: string,
  sid = `SM${String(++inboundSids).padStart(8, '0')}${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`,
) {
  const params = { MessageSid: sid, From: from, To: '+14155550000', Body: body, AccountSid: 'AC1' }
  return twilioPost(`/webhooks/twilio/${storeId}`, params)
}

/**
 * A form POST as Twilio sends it, signed with `token` (the test auth token by default) over
 * `url` (the public URL of `path` by default) and every parameter.
 */
export function twilioPost(
  path: string,
  params: Record<string, string>,
  opts: { token?: string; url?: string } = {},
) {
  const url = opts.url ?? `https://cartback.test${path}`
  return call(path, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': twilioSignature(opts.token ?? 'test-twilio-token', url, params),
    },
    body: new URLSearchParams(params).toString(),
  })
}
