import { fromBase64Url, toBase64Url, utf8 } from './encoding'
import { hmacSha256, verifyHmacSha256 } from './hmac'

/** What a restore link carries: no personal data, only which cart and until when. */
export type RestoreClaims = { storeId: string; cartId: string; step: string | null; exp: number }

export type VerifyResult =
  | ({ ok: true } & RestoreClaims)
  | { ok: false; reason: 'malformed' | 'signature' | 'expired' }

// The purpose tag keeps a token of one kind from being accepted where another kind is.
const PURPOSES = { restore: 'r1', unsubscribe: 'u1' } as const
export type LinkPurpose = keyof typeof PURPOSES
const PART = /^[A-Za-z0-9_-]*$/

/**
 * Signs a restore link token: base64url(payload) "." base64url(HMAC-SHA256(payload)).
 * `exp` is in seconds since the epoch.
 */
export function signRestoreToken(secret: string, claims: RestoreClaims): Promise<string> {
  return signLinkToken(secret, 'restore', claims)
}

/** Verifies a restore token; see verifyLinkToken. */
export function verifyRestoreToken(
  secret: string,
  token: string,
  now: number,
): Promise<VerifyResult> {
  return verifyLinkToken(secret, 'restore', token, now)
}

/** Signs a link token of the given purpose (restore, unsubscribe). */
export async function signLinkToken(
  secret: string,
  purpose: LinkPurpose,
  claims: RestoreClaims,
): Promise<string> {
  for (const part of [claims.storeId, claims.cartId, claims.step ?? '']) {
    if (!PART.test(part)) throw new Error('link token parts must be [A-Za-z0-9_-]')
  }
  const payload = [
    PURPOSES[purpose],
    claims.storeId,
    claims.cartId,
    claims.step ?? '',
    claims.exp,
  ].join('.')
  const bytes = utf8.encode(payload)
  return `${toBase64Url(bytes)}.${toBase64Url(await hmacSha256(secret, bytes))}`
}

/** Verifies signature (constant time), purpose and then expiry; `now` in milliseconds. */
export async function verifyLinkToken(
  secret: string,
  purpose: LinkPurpose,
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
  const [kind, storeId, cartId, step, exp] = parts
  if (parts.length !== 5 || kind !== PURPOSES[purpose] || !storeId || !cartId || !exp) {
    return { ok: false, reason: 'malformed' }
  }
  const expSeconds = Number(exp)
  if (!Number.isSafeInteger(expSeconds)) return { ok: false, reason: 'malformed' }
  if (expSeconds * 1000 <= now) return { ok: false, reason: 'expired' }
  return { ok: true, storeId, cartId, step: step || null, exp: expSeconds }
}
