// Settings → Webhooks as forms post it: refusals come back as the page (or a 400), never a 500,
// and change nothing. The browser run is test/e2e/webhooks.test.ts.
import { describe, expect, it } from 'vitest'
import { openPage, post } from '#test/dashboard-session'
import { api, createStore } from '#test/helpers'
import { endpointFor } from '#test/webhooks'

const listOf = async (storeId: string) =>
  (
    (await (await api(`/stores/${storeId}/webhooks`)).json()) as {
      webhooks: { events: string[] }[]
    }
  ).webhooks

describe('the webhooks page', () => {
  it('creates an endpoint with every checked event and shows its secret once', async () => {
    const store = await createStore()
    const { cookies, csrf } = await openPage(`/settings/webhooks?store=${store.id}`)
    const form = new URLSearchParams({
      _csrf: csrf,
      url: 'https://hooks.example/crm',
      description: 'CRM',
    })
    form.append('events[]', 'cart.abandoned')
    form.append('events[]', 'cart.recovered')
    const res = await post(`/settings/webhooks/${store.id}`, cookies, form)
    expect(res.status).toBe(200)
    expect(await res.text()).toMatch(/id="new-secret">whsec_/)
    expect((await listOf(store.id)).map((e) => e.events)).toEqual([
      ['cart.abandoned', 'cart.recovered'],
    ])
    const again = await (await openPage(`/settings/webhooks?store=${store.id}`)).html
    expect(again).not.toContain('new-secret')
  })

  it.each([
    ['no event', { url: 'https://hooks.example/x' }, /at least one event/],
    ['plain http', { url: 'http://hooks.example/x', 'events[]': 'cart.lost' }, /https/],
    [
      'a long URL',
      { url: `https://hooks.example/${'x'.repeat(2100)}`, 'events[]': 'cart.lost' },
      /2,048|2048/,
    ],
  ])('refuses %s with the page again, creating nothing', async (_n, fields, why) => {
    const store = await createStore()
    const { cookies, csrf } = await openPage(`/settings/webhooks?store=${store.id}`)
    const res = await post(`/settings/webhooks/${store.id}`, cookies, { _csrf: csrf, ...fields })
    expect(res.status).toBe(400)
    expect(await res.text()).toMatch(why)
    expect(await listOf(store.id)).toEqual([])
  })

  it.each(['2024-13-01T00:00', '2024-01-01T99:99', 'yesterday'])(
    'refuses a redelivery since %s with a 400',
    async (since) => {
      const store = await createStore()
      const e = await endpointFor(store, ['cart.lost'])
      const { cookies, csrf } = await openPage(`/settings/webhooks?store=${store.id}`)
      const res = await post(`/settings/webhooks/${store.id}/${e.id}/redeliver`, cookies, {
        _csrf: csrf,
        since,
      })
      expect(res.status).toBe(400)
    },
  )
})
