import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { beacon, cartId, ITEMS } from '#test/carts'
import { api, call, createStore, errorOf, ORIGIN } from '#test/helpers'
import { cartStub } from '../objects/stubs'

const configOf = (key: string, origin = ORIGIN) =>
  call(`/v1/config/${key}`, { headers: { Origin: origin } })

const patch = (storeId: string, settings: object) =>
  api(`/stores/${storeId}`, { method: 'PATCH', json: { settings } })

describe('GET /v1/config/:key', () => {
  it('gives the store its consent text, no popup and no GPC by default, to its own origins', async () => {
    const store = await createStore({ name: 'Tide & Co' })
    const res = await configOf(store.publishableKey)
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(res.headers.get('cache-control')).toBe('public, max-age=60')
    const config = (await res.json()) as { consent: string; popup: null; respectGpc: boolean }
    expect(config.respectGpc).toBe(false)
    expect(config.popup).toBeNull()
    expect(config.consent).toMatch(/^Text me reminders about my cart and offers from Tide & Co\./)
    expect(config.consent).toContain('Reply STOP to cancel')
    // Another site may not read it.
    const foreign = await configOf(store.publishableKey, 'https://elsewhere.example')
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('follows the settings: no checkbox, a popup styled by the sender, merged field by field', async () => {
    const store = await createStore()
    expect(
      (
        await patch(store.id, {
          sender: { accentColor: '#0f766e' },
          storefront: { consentCheckbox: false, popup: { enabled: true, title: 'Wait!' } },
        })
      ).status,
    ).toBe(200)
    // A later change to one popup field keeps the others.
    expect((await patch(store.id, { storefront: { popup: { everyDays: 3 } } })).status).toBe(200)
    const config = (await (await configOf(store.publishableKey)).json()) as {
      consent: string | null
      popup: Record<string, unknown>
    }
    expect(config.consent).toBeNull()
    expect(config.popup).toMatchObject({
      title: 'Wait!',
      everyDays: 3,
      askEmail: false,
      accentColor: '#0f766e',
      doubleOptIn: true,
      consent: expect.stringContaining(store.name),
    })
  })

  it('refuses bad storefront settings with a 400 and keeps the old ones', async () => {
    const store = await createStore()
    for (const bad of [
      { popup: { everyDays: 0 } },
      { smsDisclosure: '' },
      { popup: { title: 'x'.repeat(81) } },
      { popup: { colour: 'red' } },
    ]) {
      const res = await patch(store.id, { storefront: bad })
      expect(res.status, JSON.stringify(bad)).toBe(400)
    }
    const config = (await (await configOf(store.publishableKey)).json()) as { popup: null }
    expect(config.popup).toBeNull()
  })

  it('answers 404 for an unknown key and 400 for something that is not a key', async () => {
    const unknown = await configOf('pk_0000000000000000000000')
    expect(unknown.status).toBe(404)
    expect((await errorOf(unknown)).code).toBe('NOT_FOUND')
    const bad = await configOf('not-a-key')
    expect(bad.status).toBe(400)
    expect((await errorOf(bad)).code).toBe('BAD_REQUEST')
  })
})

describe('Global Privacy Control on the beacon', () => {
  it('keeps nothing from a browser sending Sec-GPC when the store honours it', async () => {
    const store = await createStore()
    await patch(store.id, { storefront: { respectGpc: true } })
    const id = cartId()
    const res = await beacon(
      { store: store.publishableKey, cart: id, type: 'cart', items: ITEMS },
      { headers: { 'Sec-GPC': '1' } },
    )
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ ok: true, ignored: 'gpc' })
    expect(await cartStub(env.CART, { storeId: store.id, cartId: id }).snapshot()).toBeNull()
  })

  it('tracks the same browser on a store that does not honour it', async () => {
    const store = await createStore()
    const id = cartId()
    const res = await beacon(
      { store: store.publishableKey, cart: id, type: 'cart', items: ITEMS },
      { headers: { 'Sec-GPC': '1' } },
    )
    expect(await res.json()).toEqual({ ok: true })
    const snap = await cartStub(env.CART, { storeId: store.id, cartId: id }).snapshot()
    expect(snap?.state.items).toHaveLength(2)
  })
})
