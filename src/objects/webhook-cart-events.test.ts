// A cart's life as webhook events (issue 16), through the real objects: abandoned, its email
// sent or failed, restored by its link, recovered by an order, or lost at the end of its window.
import { runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { abandonedCart, age, beacon, contactCart } from '#test/carts'
import { api, createStore, oneEmailStore } from '#test/helpers'
import { linkFor, rebuilt } from '#test/restore'
import { bodies, deliver, endpointFor, setClock } from '#test/webhooks'
import { dataProblem, EVENT_TYPES } from '../domain/webhook/events'

describe('cart events to webhooks', () => {
  it('sends abandoned, sent, restored and recovered for one cart, in order, each conforming', async () => {
    const store = await createStore({ settings: oneEmailStore('e1') })
    const e = await endpointFor(store, [...EVENT_TYPES])
    const { id } = await abandonedCart(store)
    expect((await rebuilt(await linkFor(store, id, 'e1'))).status).toBe(200)
    const order = await beacon({
      store: store.publishableKey,
      cart: id,
      type: 'order',
      order: { id: 'o-1', total: 4800 },
    })
    expect(order.status).toBe(202)
    await deliver(e.stub)
    const events = bodies(await e.receiver.got())
    expect(events.map((b) => b.type)).toEqual([
      'cart.abandoned',
      'message.sent',
      'cart.restored',
      'cart.recovered',
    ])
    for (const b of events) expect(dataProblem(b), b.type).toBeNull()
    expect(events[2]?.data).toMatchObject({ cartId: id, status: 'restored', step: 'e1' })
    expect(events[3]?.data).toMatchObject({
      status: 'recovered',
      order: { id: 'o-1', total: 4800 },
      attribution: { step: 'e1', channel: 'email' },
    })
  })

  it('sends converted for an order before abandonment, and lost when the window passes', async () => {
    const store = await createStore({
      settings: { ...oneEmailStore('e1', 60), attributionWindowSeconds: 3600 },
    })
    const e = await endpointFor(store, ['cart.converted', 'cart.lost', 'message.failed'])
    const converted = await contactCart(store, { email: 'buyer@example.com' })
    await beacon({
      store: store.publishableKey,
      cart: converted.id,
      type: 'order',
      order: { id: 'o-2', total: 2400 },
    })
    const lost = await abandonedCart(store, { email: 'gone@example.com' })
    await age(lost.stub, 2 * 3_600_000)
    await runDurableObjectAlarm(lost.stub)
    await setClock(e.stub, Date.now())
    await deliver(e.stub)
    const events = bodies(await e.receiver.got())
    expect(events.map((b) => `${b.type}:${b.data.cartId}`).sort()).toEqual(
      [`cart.converted:${converted.id}`, `cart.lost:${lost.id}`].sort(),
    )
    for (const b of events) expect(dataProblem(b), b.type).toBeNull()
  })

  it('gives up an attempt after 10 s without an answer and logs it as such', async () => {
    const store = await createStore()
    const e = await endpointFor(store, ['cart.lost'])
    await e.receiver.control({ script: [{ hang: true }] })
    const res = await api(`/stores/${store.id}/webhooks/${e.id}/test`, { method: 'POST' })
    const { attempt } = (await res.json()) as {
      attempt: { status: number | null; ok: boolean; latencyMs: number; response: string }
    }
    expect(attempt).toMatchObject({ status: null, ok: false, response: 'no answer within 10 s' })
    expect(attempt.latencyMs).toBeGreaterThanOrEqual(9_900)
  }, 30_000)
})
