// Our outbound deliveries, checked with the libraries a merchant's receiver would use: the
// `standardwebhooks` reference verifier and Svix's official `svix` package (which wraps it).
import { createHmac } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { Webhook as SvixWebhook } from 'svix'
import { describe, expect, it } from 'vitest'
import { signedHeaders } from '../../src/adapters/webhook/post'

const SECRET = `whsec_${Buffer.from('a'.repeat(32)).toString('base64')}`
const OLD = `whsec_${Buffer.from('b'.repeat(32)).toString('base64')}`
const body = JSON.stringify({
  id: 'evt_1',
  type: 'cart.abandoned',
  timestamp: new Date().toISOString(),
  storeId: 'st_1',
  data: { cartId: 'c1' },
})

describe('outbound signatures', () => {
  it('verify with standardwebhooks and svix, over webhook-id.timestamp.body', () => {
    const h = signedHeaders('evt_1', body, [SECRET], Date.now())
    expect(new Webhook(SECRET).verify(body, h)).toMatchObject({ id: 'evt_1' })
    const svix = {
      'svix-id': h['webhook-id']!,
      'svix-timestamp': h['webhook-timestamp']!,
      'svix-signature': h['webhook-signature']!,
    }
    // Svix's verify returns nothing (2.x); it throws on a bad signature.
    expect(() => new SvixWebhook(SECRET).verify(body, svix)).not.toThrow()
    expect(() => new SvixWebhook(OLD).verify(body, svix)).toThrow()
    // The same bytes a receiver in any language computes by hand.
    const key = Buffer.from(SECRET.slice(6), 'base64')
    const mac = createHmac('sha256', key)
      .update(`evt_1.${h['webhook-timestamp']}.${body}`)
      .digest('base64')
    expect(h['webhook-signature']).toBe(`v1,${mac}`)
    expect(h['webhook-timestamp']).toMatch(/^\d{10}$/)
  })

  it('are refused for a tampered body, id or signature', () => {
    const h = signedHeaders('evt_1', body, [SECRET], Date.now())
    const wh = new Webhook(SECRET)
    expect(() => wh.verify(body.replace('c1', 'c2'), h)).toThrow(/No matching signature/)
    expect(() => wh.verify(body, { ...h, 'webhook-id': 'evt_2' })).toThrow(/No matching signature/)
    expect(() => wh.verify(body, { ...h, 'webhook-signature': `v1,${'A'.repeat(44)}` })).toThrow(
      /No matching signature/,
    )
    expect(() => new Webhook(OLD).verify(body, h)).toThrow(/No matching signature/)
  })

  it('are refused when the timestamp is old or in the future (replay)', () => {
    const wh = new Webhook(SECRET)
    const old = signedHeaders('evt_1', body, [SECRET], Date.now() - 10 * 60_000)
    expect(() => wh.verify(body, old)).toThrow(/too old/)
    const future = signedHeaders('evt_1', body, [SECRET], Date.now() + 10 * 60_000)
    expect(() => wh.verify(body, future)).toThrow(/too new/)
    // A fresh timestamp pasted onto an old signature does not verify either.
    const fresh = signedHeaders('evt_1', body, [SECRET], Date.now())
    expect(() =>
      wh.verify(body, { ...old, 'webhook-timestamp': fresh['webhook-timestamp']! }),
    ).toThrow(/No matching signature/)
  })

  it('carry one signature per secret during a rotation, each verifying alone', () => {
    const h = signedHeaders('evt_1', body, [SECRET, OLD], Date.now())
    expect(h['webhook-signature']?.split(' ')).toHaveLength(2)
    expect(new Webhook(SECRET).verify(body, h)).toBeTruthy()
    expect(new Webhook(OLD).verify(body, h)).toBeTruthy()
  })
})
