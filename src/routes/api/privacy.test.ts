// A person's export and erasure (issue 13), and the plugin's status and test event.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import * as plugin from '#test/connect'
import { abandonNow, contactOf, PHONE, phoneCart, textingStore } from '#test/contacts'
import { api, call, errorOf, waitForRow } from '#test/helpers'
import { createApiToken } from '../../db/auth'
import type { Store } from '../../db/stores'
import type { ContactObject } from '../../objects/contact-object'

const EMAIL = 'ada@example.com'
const OTHER = '+447911123457'

type Export = {
  person: Record<string, string>
  carts: { cartId: string; items: unknown[]; createdAt: string }[]
  messages: { cartId: string; to: string; text: string; sentAt: string }[]
  conversation: { author: string; text: string; at: string }[]
  consent: { address: string; granted: boolean; at: string; cartId: string }[]
  kept: { consent: string }
}

const post = (store: Store, what: 'export' | 'erase', json: unknown) =>
  api(`/stores/${store.id}/privacy/${what}`, { method: 'POST', json })

/** A texting store with the person's cart (texted, replied to by hand) and another person's. */
async function world() {
  const store = await textingStore(false)
  const mine = await phoneCart(store, { email: EMAIL })
  expect((await abandonNow(mine.stub))?.status).toBe('sent')
  const reply = { method: 'POST', json: { text: 'Your mug is waiting' } }
  expect((await api(`/carts/${store.id}/${mine.id}/reply`, reply)).status).toBe(200)
  const theirs = await phoneCart(store, { phone: OTHER, email: 'bob@example.com' })
  // The same phone in another store is another person for this one.
  const elsewhere = await textingStore(false)
  const far = await phoneCart(elsewhere, {})
  for (const [s, id] of [
    [store, mine.id],
    [store, theirs.id],
    [elsewhere, far.id],
  ] as const)
    await waitForRow('SELECT 1 FROM carts WHERE store_id = ? AND cart_id = ?', s.id, id)
  await waitForRow('SELECT 1 FROM messages WHERE store_id = ? AND cart_id = ?', store.id, mine.id)
  return { store, mine, theirs, elsewhere, far }
}

const rows = async (table: string, storeId: string, cartId: string) =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE store_id = ? AND cart_id = ?`)
    .bind(storeId, cartId)
    .first<{ n: number }>())!.n

describe('privacy export', () => {
  let w: Awaited<ReturnType<typeof world>>
  beforeAll(async () => {
    w = await world()
  })

  it("exports the person's carts, messages, thread and consent, and nothing of others", async () => {
    const res = await post(w.store, 'export', { phone: '+44 (0)7911 123456' })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Export
    expect(body.person).toEqual({ phone: PHONE })
    expect(body.carts.map((c) => c.cartId)).toEqual([w.mine.id])
    expect(body.carts[0]!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/)
    expect(body.messages.map((m) => [m.cartId, m.to])).toContainEqual([w.mine.id, PHONE])
    expect(body.messages.every((m) => m.cartId === w.mine.id)).toBe(true)
    expect(body.conversation).toContainEqual(
      expect.objectContaining({ author: 'merchant', text: 'Your mug is waiting' }),
    )
    expect(body.consent).toEqual([
      expect.objectContaining({ address: PHONE, granted: true, cartId: w.mine.id }),
    ])
    expect(body.kept.consent).toMatch(/4 years/)
  })

  it('finds the same person by email, with the thread and consent of the phone on the cart', async () => {
    const body = (await (
      await post(w.store, 'export', { email: ' ADA@example.com ' })
    ).json()) as Export
    expect(body.person).toEqual({ email: EMAIL })
    expect(body.carts.map((c) => c.cartId)).toEqual([w.mine.id])
    expect(body.conversation.map((t) => t.text)).toContain('Your mug is waiting')
    expect(body.consent.map((c) => c.cartId)).toEqual([w.mine.id])
  })

  it('refuses a bad body with 400', async () => {
    for (const json of [
      {},
      { email: EMAIL, phone: PHONE },
      { email: 'nope' },
      { phone: '12' },
      { name: 'x' },
    ]) {
      const res = await post(w.store, 'export', json)
      expect(res.status).toBe(400)
      expect((await errorOf(res)).code).toBe('BAD_REQUEST')
    }
  })
})

describe('privacy erase', () => {
  let w: Awaited<ReturnType<typeof world>>
  beforeAll(async () => {
    w = await world()
  })

  it('refuses a token of another store with 404 and a bad body with 400, erasing nothing', async () => {
    const { token } = await createApiToken(env.DB, {
      name: 'other',
      storeId: w.elsewhere.id,
      access: 'write',
    })
    const res = await call(`/api/v1/stores/${w.store.id}/privacy/erase`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ phone: PHONE }),
    })
    expect(res.status).toBe(404)
    expect((await post(w.store, 'erase', { phone: PHONE, email: EMAIL })).status).toBe(400)
    expect(await rows('carts', w.store.id, w.mine.id)).toBe(1)
    expect(await w.mine.stub.snapshot()).not.toBeNull()
  })

  it("erases the person's carts, messages and thread, keeps consent; again erases nothing", async () => {
    const res = await post(w.store, 'erase', { phone: PHONE })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      erased: { carts: number; messages: number; conversation: number }
      kept: { consent: number; reason: string }
    }
    expect(body.erased.carts).toBe(1)
    expect(body.erased.messages).toBeGreaterThanOrEqual(2)
    expect(body.erased.conversation).toBeGreaterThanOrEqual(1)
    expect(body.kept).toEqual({ consent: 1, reason: expect.stringMatching(/4 years/) })

    expect(await w.mine.stub.snapshot()).toBeNull()
    for (const table of ['carts', 'messages', 'contacts'])
      expect(await rows(table, w.store.id, w.mine.id)).toBe(0)
    const turns = await runInDurableObject(contactOf(w.store), (_o: ContactObject, s) => ({
      turns: s.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM turns').one().n,
      consent: s.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM consent').one().n,
    }))
    expect(turns).toEqual({ turns: 0, consent: 1 })
    // The others are untouched.
    expect(await w.theirs.stub.snapshot()).not.toBeNull()
    expect(await w.far.stub.snapshot()).not.toBeNull()
    expect(await rows('carts', w.elsewhere.id, w.far.id)).toBe(1)

    const again = await (await post(w.store, 'erase', { phone: '+44 7911 123456' })).json()
    expect(again).toEqual({
      erased: { carts: 0, messages: 0, conversation: 0, webhookEvents: 0 },
      kept: { consent: 1, reason: body.kept.reason },
      done: true,
    })
    const left = (await (await post(w.store, 'export', { phone: PHONE })).json()) as Export
    expect([left.carts, left.messages, left.conversation]).toEqual([[], [], []])
    expect(left.consent).toHaveLength(1)
  })
})

describe('privacy erase by email', () => {
  it("counts the kept consent of the phone on the person's carts, as the export shows it", async () => {
    const w = await world()
    const body = (await (await post(w.store, 'erase', { email: EMAIL })).json()) as {
      erased: { carts: number }
      kept: { consent: number }
    }
    expect(body.erased.carts).toBe(1)
    expect(body.kept.consent).toBe(1)
    const left = (await (await post(w.store, 'export', { phone: PHONE })).json()) as Export
    expect(left.carts).toEqual([])
    expect(left.consent).toEqual([expect.objectContaining({ cartId: w.mine.id })])
  })
})

describe('connection status and test event', () => {
  it('reports the last event, a test event as the newest, and no webhook or plugin yet', async () => {
    const store = await textingStore(false)
    const url = `/stores/${store.id}/connection`
    const empty = await (await api(url)).json()
    expect(empty).toEqual({
      store: { id: store.id, name: store.name },
      lastEventAt: null,
      lastWebhookAt: null,
      plugin: null,
    })
    // A test event is kept on the plugin's connection: with none, 409 and nothing recorded.
    const refused = await api(`/stores/${store.id}/test-event`, { method: 'POST' })
    expect(refused.status).toBe(409)
    expect(await errorOf(refused)).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/No WordPress site is connected/),
    })
    expect(await (await api(url)).json()).toEqual(empty)
    await plugin.connected(store.id)
    const cart = await phoneCart(store, {})
    await waitForRow('SELECT 1 FROM carts WHERE store_id = ? AND cart_id = ?', store.id, cart.id)
    const active = (await (await api(url)).json()) as { lastEventAt: string }
    const activity = (await cart.stub.snapshot())!.state.lastActivityAt
    expect(active.lastEventAt).toBe(new Date(activity).toISOString())

    const res = await api(`/stores/${store.id}/test-event`, { method: 'POST' })
    expect(res.status).toBe(202)
    const { ok, at } = (await res.json()) as { ok: boolean; at: string }
    expect(ok).toBe(true)
    expect(Date.parse(at)).toBeGreaterThanOrEqual(activity)
    expect(((await (await api(url)).json()) as { lastEventAt: string }).lastEventAt).toBe(at)
    const row = await env.DB.prepare(
      'SELECT last_test_event_at AS at FROM store_connections WHERE store_id = ?',
    )
      .bind(store.id)
      .first<{ at: number }>()
    expect(row?.at).toBe(Date.parse(at))
    // No fake cart row stands for it any more.
    const tombstones = await env.DB.prepare(
      'SELECT COUNT(*) AS n FROM cart_tombstones WHERE store_id = ?',
    )
      .bind(store.id)
      .first<{ n: number }>()
    expect(tombstones?.n).toBe(0)
  })
})

describe('paged privacy requests', () => {
  /** `n` D1 cart rows of one email whose objects hold nothing (as after a lost report). */
  async function manyCarts(n: number) {
    const store = await textingStore(false)
    const email = `many${n}@example.com`
    const now = Date.now()
    await env.DB.batch(
      Array.from({ length: n }, (_, i) =>
        env.DB.prepare(
          `INSERT INTO carts (store_id, cart_id, revision, status, currency, total, item_count,
             email, created_at, updated_at, last_activity_at)
           VALUES (?, ?, 1, 'active', 'USD', 100, 1, ?, ?, ?, ?)`,
        ).bind(store.id, `cart_many${String(i).padStart(3, '0')}`, email, now, now, now),
      ),
    )
    return { store, email }
  }

  it('exports 50 carts a page, continuing from nextCursor', async () => {
    const { store, email } = await manyCarts(70)
    const first = await (await post(store, 'export', { email })).json<{ nextCursor: string }>()
    expect(first.nextCursor).toBe('cart_many049')
    const res = await post(store, 'export', { email, cursor: first.nextCursor })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { nextCursor: null }).nextCursor).toBeNull()
    expect((await post(store, 'export', { email, cursor: '' })).status).toBe(400)
  })

  it('erases at most 50 carts a call: done is false until the last page', async () => {
    const { store, email } = await manyCarts(70)
    const count = async () =>
      (await env.DB.prepare('SELECT COUNT(*) AS n FROM carts WHERE store_id = ?')
        .bind(store.id)
        .first<{ n: number }>())!.n
    const page = async () =>
      (await (await post(store, 'erase', { email })).json()) as {
        erased: { carts: number }
        done: boolean
      }
    expect(await page()).toMatchObject({ erased: { carts: 50 }, done: false })
    expect(await count()).toBe(20)
    expect(await page()).toMatchObject({ erased: { carts: 20 }, done: true })
    expect(await count()).toBe(0)
    expect(await page()).toMatchObject({ erased: { carts: 0 }, done: true })
    // The erase takes no cursor: it always starts with what is left.
    expect((await post(store, 'erase', { email, cursor: 'x' })).status).toBe(400)
  })
})
