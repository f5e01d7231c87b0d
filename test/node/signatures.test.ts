// Signature checks against vectors computed by independent code: Node's own crypto module,
// not the WebCrypto path the Worker uses.
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { fromBase64Url, toBase64Url } from '../../src/lib/encoding'
import { hmacSha256, verifyBase64Signature } from '../../src/lib/hmac'
import { signRestoreToken, verifyRestoreToken } from '../../src/lib/restore-token'

const SECRET = 'vector-secret-0123456789abcdef0123'
const NOW = 1_800_000_000_000

describe('restore tokens', () => {
  const claims = {
    storeId: 'st_abc',
    cartId: 'c0ffee00c0ffee00c0ffee00',
    step: 'email-1',
    exp: 1_800_003_600,
  }

  it('is base64url(payload) "." base64url(HMAC-SHA256(payload)), as node:crypto computes it', async () => {
    const token = await signRestoreToken(SECRET, claims)
    const payload = 'r1.st_abc.c0ffee00c0ffee00c0ffee00.email-1.1800003600'
    const expected = `${Buffer.from(payload).toString('base64url')}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`
    expect(token).toBe(expected)
  })

  it('verifies a token node:crypto signed and reads its claims', async () => {
    const payload = 'r1.st_x.cart_0123456789abcdef..1800003600'
    const token = `${Buffer.from(payload).toString('base64url')}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`
    expect(await verifyRestoreToken(SECRET, token, NOW)).toEqual({
      ok: true,
      storeId: 'st_x',
      cartId: 'cart_0123456789abcdef',
      step: null,
      exp: 1_800_003_600,
    })
  })

  it('rejects every single-bit flip of the token', async () => {
    const token = await signRestoreToken(SECRET, claims)
    const bytes = Buffer.from(token)
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const copy = Buffer.from(bytes)
        copy[i] = copy[i]! ^ (1 << bit)
        const result = await verifyRestoreToken(SECRET, copy.toString('latin1'), NOW)
        expect(result.ok, `byte ${i} bit ${bit}`).toBe(false)
      }
    }
  })

  it('rejects a validly signed token once it has expired', async () => {
    const token = await signRestoreToken(SECRET, { ...claims, exp: NOW / 1000 })
    expect(await verifyRestoreToken(SECRET, token, NOW)).toEqual({ ok: false, reason: 'expired' })
    expect((await verifyRestoreToken(SECRET, token, NOW - 1000)).ok).toBe(true)
  })

  it('rejects a token of another purpose signed with the same key', async () => {
    const payload = 'u1.st_abc.c0ffee00c0ffee00c0ffee00.email-1.1800003600'
    const token = `${Buffer.from(payload).toString('base64url')}.${createHmac('sha256', SECRET).update(payload).digest('base64url')}`
    expect(await verifyRestoreToken(SECRET, token, NOW)).toEqual({ ok: false, reason: 'malformed' })
  })

  it('rejects a token signed with another secret', async () => {
    const token = await signRestoreToken(`${SECRET}x`, claims)
    expect(await verifyRestoreToken(SECRET, token, NOW)).toEqual({ ok: false, reason: 'signature' })
  })
})

describe('WooCommerce webhook signatures', () => {
  const body = Buffer.from(JSON.stringify({ id: 42, status: 'processing', total: '49.90' }))
  const secret = 'whsec_vector'
  const header = createHmac('sha256', secret).update(body).digest('base64')

  it('accepts the base64 HMAC-SHA256 of the raw body', async () => {
    expect(await verifyBase64Signature(secret, new Uint8Array(body), header)).toBe(true)
  })

  it('rejects a changed body, another secret, a hex digest or no header', async () => {
    const changed = Buffer.from(body.toString().replace('49.90', '4.99'))
    expect(await verifyBase64Signature(secret, new Uint8Array(changed), header)).toBe(false)
    expect(await verifyBase64Signature('other', new Uint8Array(body), header)).toBe(false)
    const hex = createHmac('sha256', secret).update(body).digest('hex')
    expect(await verifyBase64Signature(secret, new Uint8Array(body), hex)).toBe(false)
    expect(await verifyBase64Signature(secret, new Uint8Array(body), undefined)).toBe(false)
  })

  it('computes the same HMAC as node:crypto', async () => {
    const ours = await hmacSha256(secret, new Uint8Array(body))
    expect(Buffer.from(ours).toString('base64')).toBe(header)
  })
})

describe('base64url', () => {
  it('round-trips every length and matches Buffer', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = new Uint8Array(Array.from({ length: n }, (_, i) => (i * 37 + n) & 255))
      const text = toBase64Url(bytes)
      expect(text).toBe(Buffer.from(bytes).toString('base64url'))
      expect(fromBase64Url(text)).toEqual(bytes)
    }
  })

  it('refuses padding, other alphabets and non-canonical forms', () => {
    for (const bad of ['QQ==', 'a+b/', 'QR', 'A']) expect(fromBase64Url(bad)).toBeNull()
  })
})
