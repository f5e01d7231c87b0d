import { fromBase64, utf8 } from '../../lib/encoding'

/**
 * Checks Twilio's X-Twilio-Signature: base64 HMAC-SHA1, keyed with the auth token, of the full
 * URL followed by every POST parameter's name and value, sorted by name. Tries the URL with and
 * without its default port, as Twilio's own library does. Constant time (WebCrypto verify).
 */
export async function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
  header: string | undefined,
): Promise<boolean> {
  if (!authToken || !header) return false
  const tag = fromBase64(header.trim())
  if (tag?.length !== 20) return false
  const key = await hmacKey(authToken)
  const tail = Object.keys(params)
    .sort()
    .map((k) => `${k}${params[k]}`)
    .join('')
  for (const candidate of urlVariants(url)) {
    if (await crypto.subtle.verify('HMAC', key, tag, utf8.encode(candidate + tail))) return true
  }
  return false
}

/** One deployment signs with one token: its key is imported once per isolate. */
let imported: { token: string; key: Promise<CryptoKey> } | undefined

function hmacKey(token: string): Promise<CryptoKey> {
  if (imported?.token !== token) {
    const raw = utf8.encode(token)
    const key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-1' }, false, [
      'verify',
    ])
    imported = { token, key }
  }
  return imported.key
}

/**
 * The URL as given, with the scheme's default port added, and with it removed. Works on the
 * text, not on `new URL()`, which drops a default port and so cannot tell the two apart.
 */
function urlVariants(url: string): string[] {
  const m = /^(https?:\/\/)([^/?#:]+)(?::(\d+))?(.*)$/i.exec(url)
  if (!m) return [url]
  const [, scheme = '', host = '', port, rest = ''] = m
  const standard = scheme.toLowerCase() === 'https://' ? '443' : '80'
  if (port && port !== standard) return [url]
  return [...new Set([url, `${scheme}${host}${rest}`, `${scheme}${host}:${standard}${rest}`])]
}
