// WordPress connect (issue 13): WooCommerce's app-authorization callback and the disconnect.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import * as plugin from '#test/connect'
import { api, createStore, errorOf } from '#test/helpers'
import { consumerData, postConsumerData } from '#test/wc-auth'
import { signConnectState } from '../lib/connect-state'

describe('the wc-auth callback', () => {
  it('stores the keys WooCommerce posts, sealed for the store, and answers 200', async () => {
    const store = await createStore()
    const c = await plugin.connected(store.id)
    const data = consumerData(c.wcAuth.userId)
    const res = await postConsumerData(c.wcAuth.callbackUrl, data)
    expect(res.status).toBe(200)
    expect(await plugin.keysOf(store.id)).toEqual({
      status: 'ok',
      url: store.url,
      consumerKey: data.consumer_key,
      consumerSecret: data.consumer_secret,
    })
    const raw = await env.DB.prepare('SELECT woocommerce_api FROM stores WHERE id = ?')
      .bind(store.id)
      .first<{ woocommerce_api: string }>()
    expect(raw?.woocommerce_api).toMatch(/^v2\./)
    expect(raw?.woocommerce_api).not.toContain(data.consumer_secret)
  })

  it('takes one grant per link: a replayed callback (from a log, a Referer) changes nothing', async () => {
    const store = await createStore()
    const c = await plugin.connected(store.id)
    const first = consumerData(c.wcAuth.userId)
    expect((await postConsumerData(c.wcAuth.callbackUrl, first)).status).toBe(200)
    const replay = consumerData(c.wcAuth.userId)
    const res = await postConsumerData(c.wcAuth.callbackUrl, replay)
    expect(res.status).toBe(401)
    expect(await plugin.keysOf(store.id)).toMatchObject({ consumerKey: first.consumer_key })
    // A new connect is a new connection: its link takes a grant again.
    const again = await plugin.connected(store.id)
    const renewed = consumerData(again.wcAuth.userId)
    expect((await postConsumerData(again.wcAuth.callbackUrl, renewed)).status).toBe(200)
    expect(await plugin.keysOf(store.id)).toMatchObject({ consumerKey: renewed.consumer_key })
  })

  it('refuses a tampered, expired, other-store or superseded state with 401', async () => {
    const [store, other] = [await createStore(), await createStore()]
    const c = await plugin.connected(store.id)
    const o = await plugin.connected(other.id)
    const url = new URL(c.wcAuth.callbackUrl)
    const state = url.pathname.split('/').pop() ?? ''
    const tokenId = (
      await env.DB.prepare('SELECT token_id FROM store_connections WHERE store_id = ?')
        .bind(store.id)
        .first<{ token_id: string }>()
    )?.token_id as string
    const expired = await signConnectState(env.SIGNING_SECRET, {
      storeId: store.id,
      tokenId,
      exp: Math.floor(Date.now() / 1000) - 1,
    })
    const flip = (s: string) => s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1)
    const base = 'https://cartback.test/v1/connect/wc-auth'
    const urls = [
      `${base}/${store.id}/${flip(state)}`,
      `${base}/${store.id}/${expired}`,
      `${base}/${other.id}/${state}`,
      `${base}/${store.id}/${o.wcAuth.callbackUrl.split('/').pop()}`,
      `${base}/${store.id}/not-a-state`,
    ]
    for (const u of urls) {
      const res = await postConsumerData(u, consumerData(store.id))
      expect(res.status).toBe(401)
      expect((await errorOf(res)).code).toBe('UNAUTHORIZED')
    }
    // A reconnect issues a new state; the old one no longer fits the connection.
    await plugin.connected(store.id)
    expect((await postConsumerData(c.wcAuth.callbackUrl, consumerData(store.id))).status).toBe(401)
    expect(await plugin.keysOf(store.id)).toEqual({ status: 'not_set' })
    expect(await plugin.keysOf(other.id)).toEqual({ status: 'not_set' })
  })

  it.each([
    ['read-only keys', (id: string) => consumerData(id, 'read')],
    ['keys for another user id', () => consumerData('st_someone_else')],
    [
      'a consumer key of another form',
      (id: string) => ({ ...consumerData(id), consumer_key: 'x' }),
    ],
    ['no key id', (id: string) => ({ ...consumerData(id), key_id: undefined })],
    ['broken JSON', () => '{"key_id":'],
  ])('refuses %s with 400 and stores nothing', async (_n, body) => {
    const store = await createStore()
    const c = await plugin.connected(store.id)
    const res = await postConsumerData(c.wcAuth.callbackUrl, body(store.id))
    expect(res.status).toBe(400)
    expect((await errorOf(res)).code).toBe('BAD_REQUEST')
    expect(await plugin.keysOf(store.id)).toEqual({ status: 'not_set' })
  })
})

describe('DELETE /api/v1/stores/:storeId/connection', () => {
  it('forgets the WooCommerce keys and revokes the plugin token', async () => {
    const store = await createStore()
    const c = await plugin.connected(store.id)
    expect((await postConsumerData(c.wcAuth.callbackUrl, consumerData(store.id))).status).toBe(200)
    const res = await plugin.as(c.apiToken, `/stores/${store.id}/connection`, { method: 'DELETE' })
    expect(res.status).toBe(204)
    expect(await plugin.keysOf(store.id)).toEqual({ status: 'not_set' })
    expect((await plugin.as(c.apiToken, `/stores/${store.id}`)).status).toBe(401)
    // The authorization link dies with the connection.
    expect((await postConsumerData(c.wcAuth.callbackUrl, consumerData(store.id))).status).toBe(401)
    const again = await api(`/stores/${store.id}/connection`, { method: 'DELETE' })
    expect(again.status).toBe(204)
  })
})
