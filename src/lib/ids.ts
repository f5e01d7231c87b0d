const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'

/** Random base62 string from the platform CSPRNG (rejection-sampled, so unbiased). */
export function randomToken(length: number): string {
  let out = ''
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2))
    for (const b of bytes) {
      // 248 = 62 * 4: bytes at or above it would bias the first characters.
      if (b < 248 && out.length < length) out += ALPHABET[b % 62]
    }
  }
  return out
}

type Prefix = 'st' | 'pk' | 'whsec' | 'req' | 'cart' | 'msg' | 'per' | 'exp' | 'we' | 'evt'

/** Prefixed random id, as in unkey's newId: `st_…`, `pk_…`. 22 base62 chars ≈ 131 bits. */
export function newId(prefix: Prefix): string {
  return `${prefix}_${randomToken(22)}`
}

/** Fresh ids for the experiments a change of settings starts: holdout periods, step experiments. */
export const experimentIds = { period: () => newId('per'), experiment: () => newId('exp') }
