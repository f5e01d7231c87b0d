// WordPress connect (issue 13): the storefront origin a connect allows, and what a reconnect and a
// disconnect take back (only what the connect itself added).
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import * as plugin from '#test/connect'
import { api, createStore } from '#test/helpers'

const originsOf = async (storeId: string) =>
  (await (await api(`/stores/${storeId}`)).json<{ allowedOrigins: string[] }>()).allowedOrigins

const addedOrigin = async (storeId: string) =>
  (
    await env.DB.prepare('SELECT added_origin AS o FROM store_connections WHERE store_id = ?')
      .bind(storeId)
      .first<{ o: string | null }>()
  )?.o

const disconnect = (storeId: string) => api(`/stores/${storeId}/connection`, { method: 'DELETE' })

describe('allowed origins across connects', () => {
  it('a reconnect from another URL swaps the origin the first connect added', async () => {
    const store = await createStore()
    await plugin.connected(store.id)
    expect(await originsOf(store.id)).toEqual([...store.allowedOrigins, 'https://wp.example'])
    await plugin.connected(store.id, {
      siteUrl: 'https://moved.example/store/',
      restRoot: 'https://moved.example/store/wp-json/',
    })
    expect(await originsOf(store.id)).toEqual([...store.allowedOrigins, 'https://moved.example'])
    expect(await addedOrigin(store.id)).toBe('https://moved.example')
    expect((await disconnect(store.id)).status).toBe(204)
    expect(await originsOf(store.id)).toEqual(store.allowedOrigins)
  })

  it('a reconnect from the same URL keeps one copy of its origin', async () => {
    const store = await createStore()
    await plugin.connected(store.id)
    await plugin.connected(store.id)
    expect(await originsOf(store.id)).toEqual([...store.allowedOrigins, 'https://wp.example'])
    expect(await addedOrigin(store.id)).toBe('https://wp.example')
  })

  it('an origin the merchant allowed before connecting survives a reconnect and the disconnect', async () => {
    const mine = ['https://wp.example', 'https://other.example']
    const store = await createStore({ allowedOrigins: mine })
    await plugin.connected(store.id)
    expect(await originsOf(store.id)).toEqual(mine)
    expect(await addedOrigin(store.id)).toBeNull()
    await plugin.connected(store.id, { siteUrl: 'https://new.example/' })
    expect(await originsOf(store.id)).toEqual([...mine, 'https://new.example'])
    expect((await disconnect(store.id)).status).toBe(204)
    expect(await originsOf(store.id)).toEqual(mine)
  })
})
