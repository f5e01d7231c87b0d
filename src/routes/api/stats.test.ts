import { describe, expect, it } from 'vitest'
import { abandon, beacon, contactCart } from '#test/carts'
import { api, createStore } from '#test/helpers'
import { projected } from '#test/reports'

describe('stats', () => {
  it('counts by status and reports recovered revenue per currency over a range', async () => {
    const store = await createStore()
    const from = new Date(Date.now() - 3_600_000).toISOString()
    const a = await contactCart(store)
    const b = await contactCart(store)
    const c = await contactCart(store)
    await abandon(a.stub)
    await abandon(b.stub)
    await api(`/carts/${store.id}/${a.id}/actions`, {
      method: 'POST',
      json: { action: 'mark_recovered' },
    })
    await beacon({
      store: store.publishableKey,
      cart: c.id,
      type: 'order',
      order: { id: 'o-1', total: 6400 },
    })
    for (const id of [a.id, b.id, c.id]) await projected(store, id)
    const to = new Date(Date.now() + 60_000).toISOString()
    const res = await api(`/stats?store=${store.id}&from=${from}&to=${to}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      carts: {
        tracked: 3,
        abandoned: 2,
        converted: 1,
        byStatus: { recovered: 1, abandoned: 1, converted: 1 },
      },
      abandonmentRate: 2 / 3,
      recovered: { count: 1, revenue: { USD: 6400 } },
      recoveryRate: 0.5,
    })
  })

  it.each([
    ['from after to', 'from=2026-02-01&to=2026-01-01'],
    ['a date that is not ISO', 'from=yesterday'],
    ['a range over 400 days', 'from=2020-01-01&to=2026-01-01'],
  ])('refuses %s with 400', async (_n, q) => {
    const res = await api(`/stats?${q}`)
    expect(res.status).toBe(400)
  })

  it('answers an unknown store with 404', async () => {
    expect((await api('/stats?store=st_missing')).status).toBe(404)
  })
})
