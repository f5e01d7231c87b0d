import { fromBase64Url, toBase64Url, utf8 } from './encoding'
import { hmacSha256, verifyHmacSha256 } from './hmac'

/** What a restore link carries: no personal data, only which cart and until when. */
export type RestoreClaims = { storeId: string; cartId: string; step: string | null; exp: number }

export type VerifyResult =
  | ({ ok: true } & RestoreClaims)
  | { ok: false; reason: 'malformed' | 'signature' | 'expired' }

// The purpose tag keeps a restore token from being accepted where another signed token is.
const PURPOSE = 'r1'
const PART = /^[A-Za-z0-9_-]*$/

/**
 * Signs a restore link token: base64url(payload) "." base64url(HMAC-SHA256(payload)).
 * `exp` is in seconds since the epoch.
 */
export async function signRestoreToken(secret: string, claims: RestoreClaims): Promise<string> {
  for (const part of [claims.storeId, claims.cartId, claims.step ?? '']) {
    if (!PART.test(part)) throw new Error('restore token parts must be [A-Za-z0-9_-]')
  }
  const payload = [PURPOSE, claims.storeId, claims.cartId, claims.step ?? '', claims.exp].join('.')
  const bytes = utf8.encode(payload)
  return `${toBase64Url(bytes)}.${toBase64Url(await hmacSha256(secret, bytes))}`
}

/** Verifies signature (constant time) and then expiry; `now` in milliseconds. */
export async function verifyRestoreToken(
  secret: string,
  token: string,
  now: number,
): Promise<VerifyResult> {
  if (token.length > 512) return { ok: false, reason: 'malformed' }
  const [body, sig, extra] = token.split('.')
  if (body === undefined || sig === undefined || extra !== undefined) {
    return { ok: false, reason: 'malformed' }
  }
  const payload = fromBase64Url(body)
  const tag = fromBase64Url(sig)
  if (!payload || !tag || tag.length !== 32) return { ok: false, reason: 'malformed' }
  if (!(await verifyHmacSha256(secret, payload, tag))) return { ok: false, reason: 'signature' }

  const parts = new TextDecoder().decode(payload).split('.')
  const [purpose, storeId, cartId, step, exp] = parts
  if (parts.length !== 5 || purpose !== PURPOSE || !storeId || !cartId || !exp) {
    return { ok: false, reason: 'malformed' }
  }
  const expSeconds = Number(exp)
  if (!Number.isSafeInteger(expSeconds)) return { ok: false, reason: 'malformed' }
  if (expSeconds * 1000 <= now) return { ok: false, reason: 'expired' }
  return { ok: true, storeId, cartId, step: step || null, exp: expSeconds }
}
