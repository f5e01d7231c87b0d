import { fromBase64Url, toBase64Url, utf8 } from './encoding'

/**
 * Encrypts small secrets (a store's WooCommerce API keys) for storage in D1: AES-256-GCM with a
 * key derived (HKDF-SHA256) from the deployment's signing secret. Rotating that secret means
 * entering the keys again.
 */
async function key(secret: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', utf8.encode(secret), 'HKDF', false, [
    'deriveKey',
  ])
  return crypto.subtle.deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: utf8.encode('cartback'),
      info: utf8.encode('store-secrets v1'),
    },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

export async function seal(secret: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const ct = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await key(secret), utf8.encode(plaintext)),
  )
  const out = new Uint8Array(iv.length + ct.length)
  out.set(iv)
  out.set(ct, iv.length)
  return `v1.${toBase64Url(out)}`
}

/** Null when the box is not ours or was sealed under another secret. */
export async function open(secret: string, box: string): Promise<string | null> {
  const bytes = box.startsWith('v1.') ? fromBase64Url(box.slice(3)) : null
  if (!bytes || bytes.length < 13) return null
  try {
    const pt = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: bytes.slice(0, 12) },
      await key(secret),
      bytes.slice(12),
    )
    return new TextDecoder().decode(pt)
  } catch {
    return null
  }
}
