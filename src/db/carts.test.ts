import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { type CartCursor, listCarts } from './carts'
import { overview } from './overview'
import { stats } from './stats'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 9, 1)

type Row = {
  status?: string
  email?: string | null
  phone?: string | null
  channels?: number
  orderId?: string | null
  updated?: number
  created?: number
  abandoned?: number | null
  converted?: number | null
  recovered?: number | null
}

/** A reporting row as the queue consumer writes it (only the columns these queries read). */
async function cart(store: string, id: string, r: Row = {}) {
  await env.DB.prepare(
    `INSERT INTO carts (store_id, cart_id, revision, status, currency, total, item_count, email,
       phone, created_at, updated_at, last_activity_at, abandoned_at, converted_at, recovered_at,
       recovered_revenue, order_id, channels)
     VALUES (?, ?, 1, ?, 'USD', 1000, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      store,
      id,
      r.status ?? 'abandoned',
      r.email ?? null,
      r.phone ?? null,
      r.created ?? T0,
      r.updated ?? T0,
      r.created ?? T0,
      r.abandoned ?? null,
      r.converted ?? null,
      r.recovered ?? null,
      r.recovered ? 1000 : 0,
      r.orderId ?? null,
      r.channels ?? 0,
    )
    .run()
}

const unique = () => crypto.randomUUID().slice(0, 8)

describe('listCarts', () => {
  it('filters by channel and by contact, and pages through a filter in order', async () => {
    const s = `st_q_${unique()}`
    await cart(s, 'none', { updated: T0 + 1 })
    await cart(s, 'mail', { email: 'a@example.com', channels: 1, updated: T0 + 2 })
    await cart(s, 'text', { phone: '+12025550100', channels: 2, updated: T0 + 3 })
    await cart(s, 'both', { email: 'b@example.com', phone: '+12025550101', channels: 3 })
    const ids = async (f: Partial<Parameters<typeof listCarts>[1]>) =>
      (await listCarts(env.DB, { storeIds: [s], limit: 50, ...f })).carts.map((c) => c.cartId)
    expect(await ids({ channel: 'sms' })).toEqual(['text', 'both'])
    expect(await ids({ channel: 'email' })).toEqual(['mail', 'both'])
    expect(await ids({ hasContact: true })).toEqual(['text', 'mail', 'both'])
    expect(await ids({ hasContact: false })).toEqual(['none'])

    const seen: string[] = []
    let cursor: CartCursor | undefined
    do {
      const page = await listCarts(env.DB, { storeIds: [s], hasContact: true, limit: 1, cursor })
      seen.push(...page.carts.map((c) => c.cartId))
      cursor = page.next ?? undefined
    } while (cursor)
    expect(seen).toEqual(['text', 'mail', 'both'])
  })

  it('searches every store by email, phone, order id or cart id', async () => {
    const [a, b] = [`st_qa_${unique()}`, `st_qb_${unique()}`]
    const email = `${unique()}@example.com`
    await cart(a, `ca_${a}`, { email, updated: T0 + 5 })
    await cart(b, `cb_${b}`, { email, phone: '+12025550199', orderId: `wc_${b}`, updated: T0 })
    const found = async (search: { email?: string; phone?: string; id?: string }) =>
      (await listCarts(env.DB, { storeIds: null, search, limit: 50 })).carts.map((c) => c.cartId)
    expect(await found({ email })).toEqual([`ca_${a}`, `cb_${b}`])
    expect(await found({ id: `wc_${b}` })).toEqual([`cb_${b}`])
    expect(await found({ id: `ca_${a}` })).toEqual([`ca_${a}`])
    expect(await found({ email: 'nobody@example.com' })).toEqual([])
    expect(
      (await listCarts(env.DB, { storeIds: [a], search: { email }, limit: 50 })).carts.map(
        (c) => c.cartId,
      ),
    ).toEqual([`ca_${a}`])
  })
})

describe('every store', () => {
  it('reads the same as naming every store that has carts', async () => {
    // Stores with carts and no stores row still count: "every store" is every cart.
    const s = `st_all_${unique()}`
    await cart(s, 'a', { created: T0, abandoned: T0 + 10, status: 'abandoned' })
    await cart(s, 'b', { created: T0 + DAY, converted: T0 + DAY, status: 'converted' })
    await cart(s, 'c', { created: T0, abandoned: T0 + 5, recovered: T0 + DAY, status: 'recovered' })
    const { results } = await env.DB.prepare('SELECT DISTINCT store_id FROM carts').all<{
      store_id: string
    }>()
    const all = results.map((r) => r.store_id)
    const [from, to] = [T0 - DAY, T0 + 3 * DAY]
    expect(await stats(env.DB, { storeIds: null, from, to })).toEqual(
      await stats(env.DB, { storeIds: all, from, to }),
    )
    expect(await overview(env.DB, { storeIds: null, from, to })).toEqual(
      await overview(env.DB, { storeIds: all, from, to }),
    )
    const mine = await stats(env.DB, { storeIds: [s], from, to })
    expect(mine.carts).toEqual({
      tracked: 3,
      abandoned: 2,
      converted: 1,
      byStatus: { abandoned: 1, converted: 1, recovered: 1 },
    })
    expect((await stats(env.DB, { storeIds: [], from, to })).carts.tracked).toBe(0)
  })
})
