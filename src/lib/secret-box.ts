import { fromBase64Url, toBase64Url, utf8 } from './encoding'

/**
 * Encrypts small per-store secrets (a store's WooCommerce REST keys) for storage in D1:
 * AES-256-GCM under a key derived (HKDF-SHA256, its own `info`) from the deployment's signing
 * secret, with the store id as additional data, so a box copied to another store's row does not
 * open. Rotating the signing secret makes every box unreadable: the keys must be entered again
 * (README, Configuration).
 *
 * Format `v2.<base64url(iv ‖ ciphertext ‖ tag)>`. `v1.` boxes (same cipher, another `info`, no
 * store binding) still open, flagged `legacy`, so the caller can seal them again as v2.
 */
const FORMATS = {
  v1: { info: 'store-secrets v1', bound: false },
  v2: { info: 'cartback secret-box v2: store secrets', bound: true },
} as const
type Format = keyof typeof FORMATS

async function key(secret: string, format: Format): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', utf8.encode(secret), 'HKDF', false, [
    'deriveKey',
  ])
  return crypto.subtle.deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: utf8.encode('cartback'),
      info: utf8.encode(FORMATS[format].info),
    },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

const boundTo = (storeId: string) => utf8.encode(`store:${storeId}`)

/** Seals `plaintext` for one store (current format). */
export async function seal(secret: string, storeId: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const ct = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: boundTo(storeId) },
      await key(secret, 'v2'),
      utf8.encode(plaintext),
    ),
  )
  const out = new Uint8Array(iv.length + ct.length)
  out.set(iv)
  out.set(ct, iv.length)
  return `v2.${toBase64Url(out)}`
}

/** An opened box; `legacy` when it is in the old format and should be sealed again. */
export type Opened = { text: string; legacy: boolean }

/**
 * Opens a box sealed for `storeId`. Null when the box is not ours, was sealed under another
 * secret or for another store, or was changed.
 */
export async function open(secret: string, storeId: string, box: string): Promise<Opened | null> {
  const format = box.slice(0, 2)
  if (box[2] !== '.' || !(format === 'v1' || format === 'v2')) return null
  const bytes = fromBase64Url(box.slice(3))
  if (!bytes || bytes.length < 13) return null
  try {
    const pt = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: bytes.slice(0, 12),
        ...(FORMATS[format].bound ? { additionalData: boundTo(storeId) } : {}),
      },
      await key(secret, format),
      bytes.slice(12),
    )
    return { text: new TextDecoder().decode(pt), legacy: format === 'v1' }
  } catch {
    return null
  }
}
