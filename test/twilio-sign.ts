// Twilio's request signature, computed the way Twilio documents it (node:crypto, independent of
// the WebCrypto code under test): base64 HMAC-SHA1 of the URL followed by every parameter's
// name and value, sorted by name. Shared by the Node, workerd and end-to-end tests.
import { createHmac } from 'node:crypto'

export function twilioSignature(token: string, url: string, params: Record<string, string>) {
  return createHmac('sha1', token)
    .update(
      url +
        Object.keys(params)
          .sort()
          .map((k) => k + params[k])
          .join(''),
    )
    .digest('base64')
}
