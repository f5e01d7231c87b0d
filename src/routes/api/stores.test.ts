// Stores over the JSON API: create, settings PATCH (partial, merged, checked), keys, origins.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { beacon, cartId, ITEMS } from '#test/carts'
import { api, createStore, errorOf } from '#test/helpers'
import type { Store } from '../../db/stores'

describe('stores', () => {
  it('creates a store with keys, a webhook secret and default settings', async () => {
    const res = await api('/stores', {
      method: 'POST',
      json: {
        name: 'Acme',
        url: 'https://acme.example/',
        currency: 'EUR',
        allowedOrigins: ['https://acme.example'],
      },
    })
    expect(res.status).toBe(201)
    const store = (await res.json()) as Store
    expect(store).toMatchObject({
      name: 'Acme',
      currency: 'EUR',
      allowedOrigins: ['https://acme.example'],
      restoreUrlTemplate: null,
      settings: {
        inactivitySeconds: 3600,
        restoreTtlSeconds: 1_209_600,
        attributionWindowSeconds: 604_800,
        defaultCountry: 'US',
      },
    })
    expect(store.id).toMatch(/^st_[A-Za-z0-9]{22}$/)
    expect(store.publishableKey).toMatch(/^pk_[A-Za-z0-9]{22}$/)
    expect(store.woocommerceWebhookSecret).toMatch(/^whsec_/)
    const list = (await (await api('/stores')).json()) as { stores: Store[] }
    expect(list.stores.map((s) => s.id)).toContain(store.id)
  })

  it('updates part of the settings and keeps the rest', async () => {
    const store = await createStore()
    const res = await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: { name: 'Renamed', settings: { inactivitySeconds: 900 } },
    })
    expect(res.status).toBe(200)
    const updated = (await res.json()) as Store
    expect(updated.name).toBe('Renamed')
    expect(updated.settings).toEqual({ ...store.settings, inactivitySeconds: 900 })
    expect(updated.publishableKey).toBe(store.publishableKey)
  })

  it('merges a partial settings object with what is set', async () => {
    const store = await createStore()
    const sid = `MG${'a'.repeat(32)}`
    const res = await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: { settings: { sms: { messagingServiceSid: sid } } },
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as Store).settings.sms).toEqual({
      doubleOptIn: true,
      messagingServiceSid: sid,
    })
  })

  it('creates a store from partial nested settings, filling the defaults as PATCH does', async () => {
    const fields = {
      name: 'Partial',
      url: 'https://partial.example/',
      currency: 'USD',
      allowedOrigins: [],
    }
    const res = await api('/stores', {
      method: 'POST',
      json: {
        ...fields,
        settings: { sms: { fromNumber: '+14155550123' }, quietHours: { endHour: 20 } },
      },
    })
    expect(res.status).toBe(201)
    const store = (await res.json()) as Store
    expect(store.settings.sms).toEqual({ doubleOptIn: true, fromNumber: '+14155550123' })
    expect(store.settings.quietHours).toEqual({ startHour: 8, endHour: 20 })
    const bad = await api('/stores', {
      method: 'POST',
      json: { ...fields, settings: { sms: { fromNumber: '555' } } },
    })
    expect(bad.status).toBe(400)
    expect((await errorOf(bad)).message).toMatch(/^Invalid settings: sms\.fromNumber/)
  })

  it('says when WooCommerce keys cannot be read: moved from another store or another secret', async () => {
    const [a, b] = [await createStore(), await createStore()]
    const keys = { consumerKey: 'ck_1234567890abcdef', consumerSecret: 'cs_1234567890abcdef' }
    const saved = await api(`/stores/${a.id}`, { method: 'PATCH', json: { woocommerceApi: keys } })
    expect(((await saved.json()) as Record<string, unknown>).woocommerceApiStatus).toBe('ok')
    const status = async (id: string) =>
      ((await (await api(`/stores/${id}`)).json()) as Record<string, unknown>).woocommerceApiStatus
    expect(await status(b.id)).toBe('not_set')
    // A's sealed keys copied into B's row do not open for B.
    await env.DB.prepare(
      'UPDATE stores SET woocommerce_api = (SELECT woocommerce_api FROM stores WHERE id = ?) WHERE id = ?',
    )
      .bind(a.id, b.id)
      .run()
    expect(await status(b.id)).toBe('unreadable')
    expect(await status(a.id)).toBe('ok')
    // Sending them again makes them readable.
    await api(`/stores/${b.id}`, { method: 'PATCH', json: { woocommerceApi: keys } })
    expect(await status(b.id)).toBe('ok')
  })

  it('refuses a new store name that would push a text past two segments', async () => {
    const store = await createStore()
    await api(`/stores/${store.id}/sequence`, {
      method: 'PUT',
      json: {
        sequence: [
          {
            id: 's',
            channel: 'sms',
            delaySeconds: 0,
            windowSeconds: 3600,
            template: { body: `{{storeName}} ${'x'.repeat(200)} {{restoreUrl}}` },
          },
        ],
      },
    })
    const res = await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: { name: 'A much longer store name than before, really very long' },
    })
    expect(res.status).toBe(400)
    expect((await errorOf(res)).message).toContain('step s')
  })

  it('applies new allowed origins to beacons at once', async () => {
    const store = await createStore()
    const id = cartId()
    await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: { allowedOrigins: ['https://new.example'] },
    })
    expect(
      (await beacon({ store: store.publishableKey, cart: id, type: 'cart', items: ITEMS })).status,
    ).toBe(403)
    const ok = await beacon(
      { store: store.publishableKey, cart: id, type: 'cart', items: ITEMS },
      { origin: 'https://new.example' },
    )
    expect(ok.status).toBe(202)
  })

  const bad: [string, string, Record<string, unknown>][] = [
    [
      'an unknown currency',
      'POST',
      { name: 'X', url: 'https://x.example', currency: 'XYZ', allowedOrigins: [] },
    ],
    [
      'an origin with a path',
      'POST',
      {
        name: 'X',
        url: 'https://x.example',
        currency: 'USD',
        allowedOrigins: ['https://x.example/shop'],
      },
    ],
    [
      'a non-http URL',
      'POST',
      { name: 'X', url: 'ftp://x.example', currency: 'USD', allowedOrigins: [] },
    ],
    ['a missing name', 'POST', { url: 'https://x.example', currency: 'USD', allowedOrigins: [] }],
    ['an unknown setting', 'PATCH', { settings: { inactivitySecs: 5 } }],
    ['a zero inactivity timeout', 'PATCH', { settings: { inactivitySeconds: 0 } }],
    ['a fractional timeout', 'PATCH', { settings: { inactivitySeconds: 1.5 } }],
    ['an attempt to change the key', 'PATCH', { publishableKey: 'pk_mine' }],
  ]
  it.each(bad)('refuses %s with 400 and changes nothing', async (_n, method, json) => {
    const store = await createStore()
    const res = await api(method === 'POST' ? '/stores' : `/stores/${store.id}`, { method, json })
    expect(res.status).toBe(400)
    expect((await errorOf(res)).code).toBe('BAD_REQUEST')
    expect(await (await api(`/stores/${store.id}`)).json()).toEqual(store)
  })

  it('refuses a body that is not JSON with 415, and an unknown store with 404', async () => {
    const store = await createStore()
    const res = await api(`/stores/${store.id}`, {
      method: 'PATCH',
      body: 'name=x',
      headers: { 'Content-Type': 'text/plain' },
    })
    expect(res.status).toBe(415)
    expect((await api('/stores/st_missing', { method: 'PATCH', json: { name: 'x' } })).status).toBe(
      404,
    )
    expect((await api('/stores/st_missing')).status).toBe(404)
  })

  it('answers malformed JSON and a wrong field with 400 in the error envelope', async () => {
    const store = await createStore()
    const bad = await api(`/stores/${store.id}`, {
      method: 'PATCH',
      body: '{"name":',
      headers: { 'Content-Type': 'application/json' },
    })
    expect(bad.status).toBe(400)
    expect(await errorOf(bad)).toMatchObject({
      code: 'BAD_REQUEST',
      message: 'The body is not valid JSON.',
    })
    const wrong = await api(`/stores/${store.id}`, { method: 'PATCH', json: { name: 7 } })
    expect(wrong.status).toBe(400)
    expect((await errorOf(wrong)).message).toMatch(/^Invalid body: name: /)
    expect(await (await api(`/stores/${store.id}`)).json()).toEqual(store)
  })
})
