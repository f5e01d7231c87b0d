import { fromBase64, utf8 } from '../../lib/encoding'
import { svixKey } from '../../lib/webhook-secret'

/** Svix (Resend webhooks) allows this much clock skew, and so do we. */
export const SVIX_TOLERANCE_S = 5 * 60
/**
 * Verifies a Svix signature as Resend sends it: `svix-signature` holds space-separated
 * `v1,<base64 HMAC-SHA256>` over `${svix-id}.${svix-timestamp}.${body}`, keyed with the
 * base64 part of the `whsec_…` secret (anything else verifies nothing). Refuses timestamps more
 * than 5 minutes off.
 */
export async function verifySvix(
  secret: string,
  headers: { id?: string; timestamp?: string; signature?: string },
  body: string,
  nowMs: number,
): Promise<boolean> {
  const { id, timestamp, signature } = headers
  if (!secret || !id || !timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SVIX_TOLERANCE_S) return false
  // Only a real signing secret: a placeholder such as "off" would decode to a guessable key.
  const keyBytes = svixKey(secret)
  if (!keyBytes) return false
  const key = await crypto.subtle.importKey(
    'raw',
    keyBytes,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  )
  const signed = utf8.encode(`${id}.${timestamp}.${body}`)
  for (const part of signature.split(' ')) {
    const [version, value] = part.split(',')
    if (version !== 'v1' || !value) continue
    const tag = fromBase64(value)
    if (tag?.length === 32 && (await crypto.subtle.verify('HMAC', key, tag, signed))) return true
  }
  return false
}
