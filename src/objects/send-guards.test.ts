// What sequence delivery checks at send time, after a message was queued.
import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { beacon } from '#test/carts'
import * as delivery from '#test/delivery'
import type { CartObject } from './cart-object'

describe('sequence delivery', () => {
  describe('guards at send time', () => {
    it('drops a retry waiting in the outbox once the cart is ordered', async () => {
      const { store, id, stub } = await delivery.abandonedCart()
      let calls = 0
      await delivery.abandonWith(stub, {
        email: delivery.resendAnswering(async () => {
          calls++
          return { ok: false, retryable: true, code: 'rate_limit_exceeded', message: 'slow down' }
        }),
      })
      expect(calls).toBe(1)
      await beacon({
        store: store.publishableKey,
        cart: id,
        type: 'order',
        order: { id: 'o-1', total: 6400 },
      })
      await runInDurableObject(stub, (_o, s) =>
        s.storage.sql.exec("UPDATE outbox SET next_at = 0 WHERE kind = 'message'"),
      )
      await runInDurableObject(stub, (o: CartObject) => o.alarm())
      expect(calls).toBe(1)
      expect(await delivery.outboxOf(stub)).toEqual([
        expect.objectContaining({ state: 'failed', last_error: 'cancelled' }),
      ])
      expect((await delivery.stateOf(stub)).runs[0]).toMatchObject({
        status: 'cancelled',
        reason: 'ordered',
      })
    })

    it('settles a run whose send finished just before a crash', async () => {
      const { stub } = await delivery.abandonedCart()
      await delivery.abandonWith(stub, {
        email: delivery.resendRefusing('http_503', true, 'x'),
      })
      // As if the row had been marked sent and the object died before the cart heard of it.
      await runInDurableObject(stub, (_o, s) =>
        s.storage.sql.exec("UPDATE outbox SET state = 'sent', next_at = 0 WHERE kind = 'message'"),
      )
      await runInDurableObject(stub, (o: CartObject) => o.alarm())
      expect((await delivery.stateOf(stub)).runs[0]).toMatchObject({
        status: 'sent',
        messageId: expect.stringMatching(/^msg_/),
      })
    })
  })
})
