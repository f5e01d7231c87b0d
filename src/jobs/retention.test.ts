import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { beacon, cartId, ITEMS } from '#test/carts'
import { api, createStore, waitForRow } from '#test/helpers'
import { sweepRetention } from './retention'

const DAY = 86_400_000

async function cartIn(store: { id: string; publishableKey: string }) {
  const id = cartId()
  expect(
    (await beacon({ store: store.publishableKey, cart: id, type: 'cart', items: ITEMS })).status,
  ).toBe(202)
  await waitForRow('SELECT 1 FROM carts WHERE store_id = ? AND cart_id = ?', store.id, id)
  return id
}

describe('retention', () => {
  it("erases carts past the store's retention, and only those", async () => {
    const short = await createStore({ settings: { retentionDays: 30 } })
    const forever = await createStore({ settings: { retentionDays: null } })
    const old = await cartIn(short)
    const fresh = await cartIn(short)
    const kept = await cartIn(forever)
    // 31 days on: the sweep runs "later" rather than the carts being made older.
    const erased = await sweepRetention(env, Date.now() + 31 * DAY, 1000)
    expect(erased).toBeGreaterThanOrEqual(1)
    expect((await api(`/carts/${short.id}/${old}`)).status).toBe(404)
    expect((await api(`/carts/${short.id}/${fresh}`)).status).toBe(404)
    expect((await api(`/carts/${forever.id}/${kept}`)).status).toBe(200)
    const row = await env.DB.prepare('SELECT 1 FROM carts WHERE store_id = ? AND cart_id = ?')
      .bind(short.id, old)
      .first()
    expect(row).toBeNull()
  })

  it('never erases a cart whose links or attribution window may still be used', async () => {
    const store = await createStore({
      settings: { retentionDays: 30, attributionWindowSeconds: 60 * 86_400 },
    })
    const id = await cartIn(store)
    // 31 days: past retention, inside 60 days of attribution + 14 of restore links.
    await sweepRetention(env, Date.now() + 31 * DAY, 1000)
    expect((await api(`/carts/${store.id}/${id}`)).status).toBe(200)
    await sweepRetention(env, Date.now() + 75 * DAY, 1000)
    expect((await api(`/carts/${store.id}/${id}`)).status).toBe(404)
  })

  it('drops an old row whose object holds nothing, so it cannot block later sweeps', async () => {
    const store = await createStore({ settings: { retentionDays: 30 } })
    await env.DB.prepare(
      `INSERT INTO carts (store_id, cart_id, revision, status, currency, total, item_count,
         created_at, updated_at, last_activity_at) VALUES (?, ?, 3, 'active', 'USD', 0, 0, 0, 0, 0)`,
    )
      .bind(store.id, 'cart_orphan_000000000')
      .run()
    expect(await sweepRetention(env, Date.now(), 1000)).toBeGreaterThanOrEqual(1)
    const row = await env.DB.prepare('SELECT 1 FROM carts WHERE store_id = ?')
      .bind(store.id)
      .first()
    expect(row).toBeNull()
  })

  it('keeps a cart whose own state changed after the D1 row said it was old', async () => {
    const store = await createStore({ settings: { retentionDays: 30 } })
    const id = await cartIn(store)
    // The row looks 40 days old; the object knows better.
    await env.DB.prepare('UPDATE carts SET updated_at = ? WHERE store_id = ? AND cart_id = ?')
      .bind(Date.now() - 40 * DAY, store.id, id)
      .run()
    expect(await sweepRetention(env, Date.now(), 1000)).toBe(0)
    expect((await api(`/carts/${store.id}/${id}`)).status).toBe(200)
  })
})
