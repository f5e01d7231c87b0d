import { fromBase64Url, toBase64Url, utf8 } from './encoding'
import { timingSafeEqualStrings } from './hmac'

/** Workers caps PBKDF2 at 100,000 iterations; the most it allows is what we use. */
export const PBKDF2_ITERATIONS = 100_000

async function derive(password: string, salt: Uint8Array, iterations: number) {
  const key = await crypto.subtle.importKey('raw', utf8.encode(password), 'PBKDF2', false, [
    'deriveBits',
  ])
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    key,
    256,
  )
  return new Uint8Array(bits)
}

/** `pbkdf2-sha256$<iterations>$<salt>$<hash>`, with a random 16-byte salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const hash = await derive(password, salt, PBKDF2_ITERATIONS)
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toBase64Url(salt)}$${toBase64Url(hash)}`
}

/** Checks a password against a stored hash, in constant time; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iter, salt64, hash64] = stored.split('$')
  const iterations = Number(iter)
  const salt = fromBase64Url(salt64 ?? '')
  if (scheme !== 'pbkdf2-sha256' || !salt || !hash64 || !Number.isInteger(iterations)) return false
  if (iterations < 1 || iterations > PBKDF2_ITERATIONS) return false
  const hash = await derive(password, salt, iterations)
  return timingSafeEqualStrings(toBase64Url(hash), hash64)
}
