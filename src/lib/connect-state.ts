import { fromBase64Url, toBase64Url, utf8 } from './encoding'
import { hmacSha256, verifyHmacSha256 } from './hmac'

/**
 * The `state` in the WooCommerce app-authorization callback URL (issue 13): which store and which
 * plugin connection (its token id) the keys are for, until when. Signed with HMAC-SHA256 under
 * SIGNING_SECRET, in the restore-token format: base64url(payload) "." base64url(tag), with its own
 * purpose tag so no other signed token of ours is accepted here.
 */
export type ConnectState = { storeId: string; tokenId: string; exp: number }

const PURPOSE = 'wc1'
const PART = /^[A-Za-z0-9_-]+$/

/** Signs a callback state; `exp` in seconds since the epoch. */
export async function signConnectState(secret: string, s: ConnectState): Promise<string> {
  if (!PART.test(s.storeId) || !PART.test(s.tokenId)) {
    throw new Error('connect state parts must be [A-Za-z0-9_-]')
  }
  const bytes = utf8.encode([PURPOSE, s.storeId, s.tokenId, s.exp].join('.'))
  return `${toBase64Url(bytes)}.${toBase64Url(await hmacSha256(secret, bytes))}`
}

/**
 * The claims of a state signed by us (constant-time check) and not expired at `now`
 * (milliseconds), or null. The caller still checks the store and the connection it names.
 */
export async function verifyConnectState(
  secret: string,
  state: string,
  now: number,
): Promise<ConnectState | null> {
  if (state.length > 512) return null
  const [body, sig, extra] = state.split('.')
  if (body === undefined || sig === undefined || extra !== undefined) return null
  const payload = fromBase64Url(body)
  const tag = fromBase64Url(sig)
  if (!payload || !tag || tag.length !== 32) return null
  if (!(await verifyHmacSha256(secret, payload, tag))) return null
  const parts = new TextDecoder().decode(payload).split('.')
  const [purpose, storeId, tokenId, exp] = parts
  if (parts.length !== 4 || purpose !== PURPOSE || !storeId || !tokenId) return null
  const expSeconds = Number(exp)
  if (!Number.isSafeInteger(expSeconds) || expSeconds * 1000 <= now) return null
  return { storeId, tokenId, exp: expSeconds }
}
