// Svix signatures computed with node:crypto, independently of the WebCrypto code in the Worker.
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { verifySvix } from '../../src/adapters/email/verify-svix'

const RAW = Buffer.from('resend-webhook-secret-32-bytes!!')
const SECRET = `whsec_${RAW.toString('base64')}`
const NOW = 1_800_000_000_000
const body = JSON.stringify({ type: 'email.delivered', data: { email_id: 're_1' } })
const sign = (id: string, ts: string, payload: string, key = RAW) =>
  `v1,${createHmac('sha256', key).update(`${id}.${ts}.${payload}`).digest('base64')}`

describe('verifySvix', () => {
  const ts = String(NOW / 1000)
  it('accepts the v1 signature over id.timestamp.body', async () => {
    expect(
      await verifySvix(
        SECRET,
        { id: 'msg_1', timestamp: ts, signature: sign('msg_1', ts, body) },
        body,
        NOW,
      ),
    ).toBe(true)
  })

  it('accepts any of several signatures (secret rotation)', async () => {
    const both = `v1,${Buffer.from('x'.repeat(32)).toString('base64')} ${sign('msg_1', ts, body)}`
    expect(
      await verifySvix(SECRET, { id: 'msg_1', timestamp: ts, signature: both }, body, NOW),
    ).toBe(true)
  })

  it('rejects a changed body, id or timestamp, another secret, and old or future timestamps', async () => {
    const sig = sign('msg_1', ts, body)
    expect(
      await verifySvix(SECRET, { id: 'msg_1', timestamp: ts, signature: sig }, `${body} `, NOW),
    ).toBe(false)
    expect(
      await verifySvix(SECRET, { id: 'msg_2', timestamp: ts, signature: sig }, body, NOW),
    ).toBe(false)
    expect(
      await verifySvix(
        SECRET,
        { id: 'msg_1', timestamp: String(NOW / 1000 + 1), signature: sig },
        body,
        NOW,
      ),
    ).toBe(false)
    const other = sign('msg_1', ts, body, Buffer.from('another-secret-another-secret!!!'))
    expect(
      await verifySvix(SECRET, { id: 'msg_1', timestamp: ts, signature: other }, body, NOW),
    ).toBe(false)
    const old = String(NOW / 1000 - 301)
    expect(
      await verifySvix(
        SECRET,
        { id: 'msg_1', timestamp: old, signature: sign('msg_1', old, body) },
        body,
        NOW,
      ),
    ).toBe(false)
    expect(await verifySvix(SECRET, { id: 'msg_1', timestamp: ts }, body, NOW)).toBe(false)
  })

  it('verifies nothing with a secret that is not a whsec_ key of 24 bytes or more', async () => {
    const ts = String(NOW / 1000)
    for (const secret of ['off', 'b2Zm', 'whsec_b2Zm', RAW.toString('base64')]) {
      const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
      const sig = sign('msg_1', ts, body, key)
      expect(
        await verifySvix(secret, { id: 'msg_1', timestamp: ts, signature: sig }, body, NOW),
      ).toBe(false)
    }
  })
})
