// WooCommerce order webhooks that are refused: a 4xx, and nothing changes.
import { describe, expect, it } from 'vitest'
import { abandon } from '#test/carts'
import { call, createStore, errorOf } from '#test/helpers'
import { cartIn, meta, send, signed, wooOrder } from '#test/woocommerce'
import type { Store } from '../../db/stores'
import { toBase64, utf8 } from '../../lib/encoding'
import { hmacSha256 } from '../../lib/hmac'

describe('POST /webhooks/woocommerce/:storeId rejects bad input and changes nothing', () => {
  const cases: [string, (s: Store, cart: string) => Promise<Response>, number, string][] = [
    [
      'no signature',
      (s, c) => send(s, JSON.stringify(wooOrder({ meta_data: meta(c) }))),
      401,
      'UNAUTHORIZED',
    ],
    [
      'a wrong signature',
      (s, c) =>
        send(s, JSON.stringify(wooOrder({ meta_data: meta(c) })), {
          'X-WC-Webhook-Signature': 'bm9wZQ==',
        }),
      401,
      'UNAUTHORIZED',
    ],
    [
      'a body changed after signing',
      async (s, c) => {
        const body = JSON.stringify(wooOrder({ meta_data: meta(c) }))
        const sig = toBase64(await hmacSha256(s.woocommerceWebhookSecret, utf8.encode(body)))
        return send(s, body.replace('52.50', '99.99'), { 'X-WC-Webhook-Signature': sig })
      },
      401,
      'UNAUTHORIZED',
    ],
    [
      'signed invalid JSON',
      async (s) => {
        const sig = toBase64(await hmacSha256(s.woocommerceWebhookSecret, utf8.encode('{"id":')))
        return send(s, '{"id":', { 'X-WC-Webhook-Signature': sig })
      },
      400,
      'BAD_REQUEST',
    ],
    [
      'a missing total',
      (s, c) => signed(s, wooOrder({ total: undefined, meta_data: meta(c) })),
      400,
      'BAD_REQUEST',
    ],
    [
      'a total in the wrong format',
      (s, c) => signed(s, wooOrder({ total: '52,50', meta_data: meta(c) })),
      400,
      'BAD_REQUEST',
    ],
    [
      'too many decimals for the currency',
      (s, c) => signed(s, wooOrder({ total: '52.505', meta_data: meta(c) })),
      400,
      'BAD_REQUEST',
    ],
    [
      'an unknown currency',
      (s, c) => signed(s, wooOrder({ currency: 'XXY', meta_data: meta(c) })),
      400,
      'BAD_REQUEST',
    ],
    [
      'a body over 1 MiB',
      (s) => send(s, JSON.stringify(wooOrder({ pad: 'x'.repeat(1_100_000) }))),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'an unknown store',
      (_s, c) =>
        call('/webhooks/woocommerce/st_nope', {
          method: 'POST',
          body: JSON.stringify(wooOrder({ meta_data: meta(c) })),
        }),
      404,
      'NOT_FOUND',
    ],
  ]
  it.each(cases)('%s', async (_name, run, status, code) => {
    const store = await createStore()
    const { id, stub } = await cartIn(store)
    await abandon(stub)
    const before = (await stub.snapshot())!
    const res = await run(store, id)
    expect(res.status).toBe(status)
    expect((await errorOf(res)).code).toBe(code)
    const after = (await stub.snapshot())!
    expect(after.state).toEqual(before.state)
    expect(after.journal).toHaveLength(before.journal.length)
  })
})
