import { toBase64Url, utf8 } from '../../lib/encoding'
import { hmacSha256 } from '../../lib/hmac'

/** A stable message id from the outbox key: every retry of one step's send is one message. */
export async function messageIdFor(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(key)))
  return `msg_${toBase64Url(digest).replace(/[-_]/g, '').slice(0, 22)}`
}

/**
 * A code derived from a send's key (HMAC, so not guessable from the key): a retry of the same
 * send gets the same code, whatever it names (a short link, a coupon).
 */
async function derivedCode(
  secret: string,
  label: string,
  key: string,
  alphabet: string,
  length: number,
) {
  const mac = await hmacSha256(secret, `${label}:${key}`)
  let code = ''
  for (let i = 0; i < length; i++) code += alphabet[mac[i]! % alphabet.length]
  return code
}

/** The coupon code of one send: no look-alike characters, so shoppers can type it. */
export async function couponCode(secret: string, key: string): Promise<string> {
  return `CB-${await derivedCode(secret, 'coupon', key, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789', 8)}`
}

/** Ten base62 characters: the same step always gets the same short link. */
export function shortCode(secret: string, key: string): Promise<string> {
  return derivedCode(
    secret,
    'short',
    key,
    '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
    10,
  )
}
