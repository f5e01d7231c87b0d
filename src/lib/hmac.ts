import { fromBase64, utf8 } from './encoding'

function importKey(secret: string, hash: 'SHA-256' | 'SHA-1', usage: 'sign' | 'verify') {
  return crypto.subtle.importKey('raw', utf8.encode(secret), { name: 'HMAC', hash }, false, [usage])
}

/** HMAC-SHA256 of `data` under `secret`. */
export async function hmacSha256(secret: string, data: Uint8Array | string): Promise<Uint8Array> {
  const key = await importKey(secret, 'SHA-256', 'sign')
  const bytes = typeof data === 'string' ? utf8.encode(data) : data
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, bytes))
}

/**
 * Checks an HMAC-SHA256 tag in constant time (WebCrypto's verify compares without
 * early exit), so a forger learns nothing from response timing.
 */
export async function verifyHmacSha256(
  secret: string,
  data: Uint8Array | string,
  tag: Uint8Array,
): Promise<boolean> {
  const key = await importKey(secret, 'SHA-256', 'verify')
  const bytes = typeof data === 'string' ? utf8.encode(data) : data
  return crypto.subtle.verify('HMAC', key, tag, bytes)
}

/** Verifies a base64 HMAC-SHA256 header such as WooCommerce's `X-WC-Webhook-Signature`. */
export async function verifyBase64Signature(
  secret: string,
  body: Uint8Array,
  header: string | undefined | null,
): Promise<boolean> {
  if (!header || !secret) return false
  const tag = fromBase64(header.trim())
  if (tag?.length !== 32) return false
  return verifyHmacSha256(secret, body, tag)
}

/** Constant-time equality of two strings, by comparing their HMACs under a one-off key. */
export async function timingSafeEqualStrings(a: string, b: string): Promise<boolean> {
  const secret = crypto.getRandomValues(new Uint8Array(32))
  const key = await crypto.subtle.importKey(
    'raw',
    secret,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  )
  const tag = new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8.encode(a)))
  return crypto.subtle.verify('HMAC', key, tag, utf8.encode(b))
}
