import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { abandonedCart } from '#test/carts'
import { api, createStore, oneEmailStore } from '#test/helpers'
import { bodies, deliver, endpointFor, setClock } from '#test/webhooks'
import { dataProblem } from '../domain/webhook/events'

const untilGot = async (e: { receiver: { got: () => Promise<unknown[]> } }, n: number) => {
  for (let i = 0; i < 50; i++) {
    if ((await e.receiver.got()).length >= n) return
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('webhook endpoint object', () => {
  it('delivers a cart abandonment and its email, signed, in order, contact masked', async () => {
    const store = await createStore({ settings: oneEmailStore() })
    const e = await endpointFor(store, ['cart.abandoned', 'message.sent'])
    await abandonedCart(store, { email: 'jane@example.com', firstName: 'Jane' })
    await deliver(e.stub)
    await untilGot(e, 2)
    const got = await e.receiver.got()
    expect(got.map((g) => g.verified)).toEqual([true, true])
    const [abandoned, sent] = bodies(got)
    expect(abandoned?.type).toBe('cart.abandoned')
    expect(sent?.type).toBe('message.sent')
    expect(abandoned?.data.contact).toEqual({ email: 'j•••@example.com', firstName: 'J.' })
    for (const b of bodies(got)) expect(dataProblem(b as never)).toBeNull()
    expect(got.map((g) => g.id)).toEqual(bodies(got).map((b) => b.id))
  })

  it('retries a failing receiver on its schedule, then delivers each event once, in order', async () => {
    const store = await createStore({ settings: oneEmailStore() })
    const e = await endpointFor(store, ['cart.abandoned', 'message.sent'])
    await e.receiver.control({ script: [{ status: 500, body: 'down' }, { status: 503 }] })
    await abandonedCart(store)
    const t0 = Date.now()
    await setClock(e.stub, t0)
    await deliver(e.stub)
    expect((await e.receiver.got()).length).toBe(1)
    // Not before its time: the first retry is 5 s (+ up to 10 %) later.
    await setClock(e.stub, t0 + 4_000)
    await deliver(e.stub)
    await setClock(e.stub, t0 + 6_000)
    await deliver(e.stub)
    await setClock(e.stub, t0 + 40_000)
    await deliver(e.stub)
    const got = await e.receiver.got()
    const ids = got.map((g) => g.id)
    expect(got.map((g) => g.answered)).toEqual([500, 503, 200, 200])
    expect(new Set(ids.slice(0, 3)).size).toBe(1)
    expect(bodies(got).map((b) => b.type)).toEqual([
      'cart.abandoned',
      'cart.abandoned',
      'cart.abandoned',
      'message.sent',
    ])
    const log = (await (await api(`/stores/${store.id}/webhooks/${e.id}/attempts`)).json()) as {
      attempts: { status: number; ok: boolean; response: string; trigger: string }[]
    }
    expect(log.attempts.map((a) => a.status)).toEqual([200, 200, 503, 500])
    expect(log.attempts.at(-1)).toMatchObject({ ok: false, response: 'down', trigger: 'event' })
    expect(log.attempts[1]).toMatchObject({ ok: true, trigger: 'retry' })
  })
})

void env
