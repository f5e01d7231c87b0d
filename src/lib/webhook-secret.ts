import { fromBase64 } from './encoding'

/** Standard Webhooks (Svix, Resend) secrets carry 24 random bytes or more. */
const MIN_KEY_BYTES = 24

/**
 * The key bytes of a Standard Webhooks secret (`whsec_` + base64, as Svix and Resend issue
 * them) of 24 bytes or more; null for anything else, so a placeholder never becomes a key.
 */
export function svixKey(secret: string): Uint8Array | null {
  const bytes = secret.startsWith('whsec_') ? fromBase64(secret.slice(6)) : null
  return bytes && bytes.length >= MIN_KEY_BYTES ? bytes : null
}
