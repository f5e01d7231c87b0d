// Bad beacons and floods: each gets a clear 4xx and changes nothing.
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { beacon, cartId, ITEMS, stateOf } from '#test/carts'
import { call, createStore, errorOf, ORIGIN } from '#test/helpers'
import type { Store } from '../db/stores'
import worker from '../worker'

describe('POST /v1/events rejects bad input and changes nothing', () => {
  const cases: [string, (key: string, id: string) => Promise<Response>, number, string][] = [
    [
      'malformed JSON',
      (_k, _id) =>
        call('/v1/events', {
          method: 'POST',
          headers: { 'Content-Type': 'text/plain', Origin: ORIGIN },
          body: '{"store":',
        }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a form body',
      (k, id) =>
        call('/v1/events', {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN },
          body: `store=${k}&cart=${id}`,
        }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a short cart id',
      (k) => beacon({ store: k, cart: 'abc', type: 'cart', items: ITEMS }),
      400,
      'BAD_REQUEST',
    ],
    [
      'an unknown type',
      (k, id) => beacon({ store: k, cart: id, type: 'wishlist' }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a fractional price',
      (k, id) =>
        beacon({ store: k, cart: id, type: 'cart', items: [{ ...ITEMS[0], price: 24.5 }] }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a negative quantity',
      (k, id) =>
        beacon({ store: k, cart: id, type: 'cart', items: [{ ...ITEMS[0], quantity: -1 }] }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a javascript: image URL',
      (k, id) =>
        beacon({
          store: k,
          cart: id,
          type: 'cart',
          items: [{ ...ITEMS[0], image: 'javascript:alert(1)' }],
        }),
      400,
      'BAD_REQUEST',
    ],
    [
      'an unknown currency',
      (k, id) => beacon({ store: k, cart: id, type: 'cart', items: ITEMS, currency: 'XYZ' }),
      400,
      'BAD_REQUEST',
    ],
    [
      'consent without its text',
      (k, id) => beacon({ store: k, cart: id, type: 'contact', consent: { sms: true } }),
      400,
      'BAD_REQUEST',
    ],
    [
      'an order event without an order',
      (k, id) => beacon({ store: k, cart: id, type: 'order' }),
      400,
      'BAD_REQUEST',
    ],
    [
      'an invalid time zone',
      (k, id) =>
        beacon({ store: k, cart: id, type: 'contact', contact: { timezone: 'Mars/Base' } }),
      400,
      'BAD_REQUEST',
    ],
    [
      'an unknown store key',
      (_k, id) => beacon({ store: 'pk_unknownunknown', cart: id, type: 'cart', items: ITEMS }),
      401,
      'UNAUTHORIZED',
    ],
    [
      'a foreign origin',
      (k, id) =>
        beacon(
          { store: k, cart: id, type: 'cart', items: ITEMS },
          { origin: 'https://evil.example' },
        ),
      403,
      'FORBIDDEN',
    ],
    [
      'no origin',
      (k, id) => beacon({ store: k, cart: id, type: 'cart', items: ITEMS }, { origin: '' }),
      403,
      'FORBIDDEN',
    ],
    [
      'a body over 32 KiB',
      (k, id) =>
        beacon({ store: k, cart: id, type: 'cart', items: ITEMS, pad: 'x'.repeat(33_000) }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ]
  it.each(cases)('%s', async (_name, send, status, code) => {
    const store = await createStore()
    const id = cartId()
    const res = await send(store.publishableKey, id)
    expect(res.status).toBe(status)
    const error = await errorOf(res)
    expect(error.code).toBe(code)
    expect(error.message.length).toBeGreaterThan(5)
    expect(error.requestId).toMatch(/^req_/)
    expect(await stateOf(store.id, id)).toBeNull()
  })

  it('rate-limits a client before looking up the key it sends', async () => {
    // Until the first 429 (30 a minute in tests); a minute's turn may split the count once.
    const statuses: number[] = []
    while (statuses.length < 80 && statuses.at(-1) !== 429) {
      const res = await beacon(
        { store: 'pk_madeupmadeup', cart: cartId(), type: 'cart', items: ITEMS },
        { ip: '192.0.2.200' },
      )
      statuses.push(res.status)
    }
    expect(statuses[0]).toBe(401)
    expect(statuses.at(-1)).toBe(429)
    expect(statuses.length).toBeGreaterThan(30)
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true)
  })

  it("counts per store and client: one store's flood leaves another's beacons accepted", async () => {
    const [a, b] = [await createStore(), await createStore()]
    const send = (store: Store) =>
      beacon(
        { store: store.publishableKey, cart: cartId(), type: 'cart', items: ITEMS },
        { ip: '192.0.2.77' },
      )
    // Until A's budget (30 a minute in tests) is spent; a minute's turn may refill it once.
    let accepted = 0
    for (let i = 0; i < 80 && (await send(a)).status === 202; i++) accepted++
    expect(accepted).toBeGreaterThanOrEqual(30)
    expect(accepted).toBeLessThan(80)
    expect((await send(b)).status).toBe(202)
    expect((await send(a)).status).toBe(429)
  })

  it('rate-limits a flood from one client with 429', async () => {
    const store = await createStore()
    const id = cartId()
    const statuses: number[] = []
    for (let i = 0; i < 40; i++) {
      const res = await beacon(
        { store: store.publishableKey, cart: id, type: 'cart', items: ITEMS },
        { ip: '192.0.2.99' },
      )
      statuses.push(res.status)
    }
    expect(statuses.slice(0, 30).every((s) => s === 202)).toBe(true)
    expect(statuses.at(-1)).toBe(429)
  })

  it('skips the limiter only under the bench switch BENCH_MODE=no-rate-limit', async () => {
    const store = await createStore()
    const benchEnv = { ...env, BENCH_MODE: 'no-rate-limit' } as Env
    const send = async () => {
      const ctx = createExecutionContext()
      const res = await worker.fetch(
        new Request('https://cartback.test/v1/events', {
          method: 'POST',
          headers: {
            'Content-Type': 'text/plain',
            Origin: ORIGIN,
            'CF-Connecting-IP': '192.0.2.98',
          },
          body: JSON.stringify({
            store: store.publishableKey,
            cart: cartId(),
            type: 'cart',
            items: ITEMS,
          }),
        }),
        benchEnv,
        ctx,
      )
      await waitOnExecutionContext(ctx)
      return res.status
    }
    const statuses: number[] = []
    for (let i = 0; i < 40; i++) statuses.push(await send())
    expect(statuses.every((s) => s === 202)).toBe(true)
  })
})
