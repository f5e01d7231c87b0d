// Carts over the JSON API: lists, filters, CSV, detail, and the actions on one cart.
import { evictDurableObject, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { abandon, cartId, contactCart, ITEMS } from '#test/carts'
import { api, createStore, errorOf } from '#test/helpers'
import { projected } from '#test/reports'
import { verifyRestoreToken } from '../../lib/restore-token'

const SECRET = 'test-signing-secret-0123456789abcdef'

describe('carts', () => {
  it('lists the carts of a store newest first with cursor pagination', async () => {
    const store = await createStore()
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      const { id } = await contactCart(store)
      ids.push(id)
      await new Promise((r) => setTimeout(r, 5))
    }
    for (const id of ids) await projected(store, id)
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const q: string = `/carts?store=${store.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`
      const body = (await (await api(q)).json()) as {
        carts: { cartId: string }[]
        nextCursor: string | null
      }
      seen.push(...body.carts.map((c) => c.cartId))
      cursor = body.nextCursor
      pages++
    } while (cursor)
    expect(pages).toBe(3)
    expect(seen).toEqual([...ids].reverse())
  })

  it('filters by status and finds a cart by email, phone or cart id, scoped to the store', async () => {
    const store = await createStore()
    const other = await createStore()
    const a = await contactCart(store, { email: 'find.me@example.com', phone: '415-555-2671' })
    const b = await contactCart(store)
    const elsewhere = await contactCart(other, { email: 'find.me@example.com' })
    await abandon(b.stub)
    for (const [s, id] of [
      [store, a.id],
      [store, b.id],
      [other, elsewhere.id],
    ] as const)
      await projected(s, id)
    const ids = async (q: string) =>
      (
        (await (await api(`/carts?store=${store.id}&${q}`)).json()) as {
          carts: { cartId: string }[]
        }
      ).carts.map((c) => c.cartId)
    expect(await ids('status=abandoned')).toEqual([b.id])
    expect(await ids('q=Find.Me%40example.com')).toEqual([a.id])
    expect(await ids('q=%2B14155552671')).toEqual([a.id])
    expect(await ids(`q=${b.id}`)).toEqual([b.id])
    const summary = (
      (await (await api(`/carts?store=${store.id}&q=${a.id}`)).json()) as { carts: object[] }
    ).carts[0]
    expect(summary).toMatchObject({
      storeId: store.id,
      cartId: a.id,
      status: 'active',
      currency: 'USD',
      total: 6400,
      itemCount: 3,
      hasEmail: true,
      hasPhone: true,
    })
  })

  it('filters by contact and last update, and exports the filter as CSV', async () => {
    const store = await createStore()
    const known = await contactCart(store, { email: 'csv@example.com' })
    const anonymous = await contactCart(store)
    await projected(store, known.id)
    await projected(store, anonymous.id)
    const ids = async (q: string) =>
      (
        (await (await api(`/carts?store=${store.id}&${q}`)).json()) as {
          carts: { cartId: string }[]
        }
      ).carts.map((c) => c.cartId)
    expect(await ids('hasContact=true')).toEqual([known.id])
    expect(await ids('hasContact=false')).toEqual([anonymous.id])
    expect(await ids('channel=email')).toEqual([])
    expect(await ids('to=2020-01-01')).toEqual([])
    expect((await ids('from=2020-01-01')).sort()).toEqual([known.id, anonymous.id].sort())
    const csv = await api(`/carts/export.csv?store=${store.id}&hasContact=true`)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="carts.csv"')
    const lines = (await csv.text()).trimEnd().split('\r\n')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain(
      `"${store.id}","${known.id}","active","USD","64.00","3","csv@example.com"`,
    )
    expect((await api('/carts/export.csv?hasContact=maybe')).status).toBe(400)
  })

  it.each([
    ['an unknown status', 'status=gone'],
    ['a forged cursor', 'cursor=eyJ1IjoiYSJ9'],
    ['a limit over 200', 'limit=500'],
    ['a zero limit', 'limit=0'],
  ])('refuses %s with 400', async (_n, q) => {
    const res = await api(`/carts?${q}`)
    expect(res.status).toBe(400)
    expect((await errorOf(res)).code).toBe('BAD_REQUEST')
  })

  it('returns the detail with the journal and a restore link that verifies', async () => {
    const store = await createStore()
    const { id } = await contactCart(store, { email: 'ada@example.com' })
    const res = await api(`/carts/${store.id}/${id}`)
    expect(res.status).toBe(200)
    const detail = (await res.json()) as Record<string, unknown> & {
      journal: { type: string; at: string }[]
      restoreUrl: string
    }
    expect(detail).toMatchObject({
      storeId: store.id,
      cartId: id,
      status: 'active',
      items: ITEMS,
      contact: { email: 'ada@example.com' },
      consent: [],
      messages: [],
      order: null,
      experiment: null,
    })
    expect(detail.journal.map((j) => j.type)).toEqual([
      'cart.created',
      'cart.updated',
      'contact.updated',
    ])
    expect(detail.journal[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT/)
    const url = new URL(detail.restoreUrl)
    expect(url.pathname.startsWith('/r/')).toBe(true)
    const claims = await verifyRestoreToken(SECRET, url.pathname.slice(3), Date.now())
    expect(claims).toMatchObject({ ok: true, storeId: store.id, cartId: id })
  })

  it("says the cart's holdout arm and period in its detail (issue 15)", async () => {
    const store = await createStore()
    const { id, stub } = await contactCart(store, { email: 'ada@example.com' })
    const at = Date.UTC(2026, 11, 5, 12)
    // The arm as the cart's machine records it at abandonment (machine-holdout.test.ts).
    await runInDurableObject(stub, (_o, s) => {
      const state = s.storage.kv.get<Record<string, unknown>>('state')!
      s.storage.kv.put('state', {
        ...state,
        experiment: { arm: 'holdout', period: 'per_1', assignedAt: at },
      })
    })
    await evictDurableObject(stub)
    const detail = (await (await api(`/carts/${store.id}/${id}`)).json()) as Record<string, unknown>
    expect(detail.experiment).toEqual({
      arm: 'holdout',
      period: 'per_1',
      assignedAt: '2026-12-05T12:00:00.000Z',
    })
  })

  it('lists carts of every store when no store is named', async () => {
    const a = await createStore()
    const b = await createStore()
    const ca = await contactCart(a)
    const cb = await contactCart(b)
    await projected(a, ca.id)
    await projected(b, cb.id)
    const ids = new Set<string>()
    let cursor: string | null = null
    do {
      const q: string = `/carts?limit=200${cursor ? `&cursor=${cursor}` : ''}`
      const body = (await (await api(q)).json()) as {
        carts: { cartId: string }[]
        nextCursor: string | null
      }
      for (const c of body.carts) ids.add(c.cartId)
      cursor = body.nextCursor
    } while (cursor)
    expect(ids.has(ca.id) && ids.has(cb.id)).toBe(true)
  })

  it('answers unknown and malformed carts with 404 and 400', async () => {
    const store = await createStore()
    expect((await api(`/carts/${store.id}/${cartId()}`)).status).toBe(404)
    expect((await api(`/carts/${store.id}/short`)).status).toBe(400)
    expect((await api(`/carts/st_missing/${cartId()}`)).status).toBe(404)
  })
})

describe('cart actions', () => {
  it('archives, ignores and unignores, refusing what makes no sense with 409', async () => {
    const store = await createStore()
    const { id, stub } = await contactCart(store)
    await abandon(stub)
    const act = (action: string) =>
      api(`/carts/${store.id}/${id}/actions`, { method: 'POST', json: { action } })
    expect(((await (await act('ignore')).json()) as { status: string }).status).toBe('ignored')
    const again = await act('ignore')
    expect(again.status).toBe(409)
    expect((await errorOf(again)).code).toBe('CONFLICT')
    expect(((await (await act('unignore')).json()) as { status: string }).status).toBe('abandoned')
    expect((await act('unignore')).status).toBe(409)
    expect(((await (await act('archive')).json()) as { status: string }).status).toBe('archived')
    expect((await act('explode')).status).toBe(400)
  })

  it('marks an abandoned cart recovered with the cart total as revenue', async () => {
    const store = await createStore()
    const { id, stub } = await contactCart(store)
    await abandon(stub)
    const res = await api(`/carts/${store.id}/${id}/actions`, {
      method: 'POST',
      json: { action: 'mark_recovered' },
    })
    expect(await res.json()).toMatchObject({ status: 'recovered', recoveredRevenue: 6400 })
  })

  it('refuses an action body that is not JSON or too large', async () => {
    const store = await createStore()
    const { id } = await contactCart(store)
    const path = `/carts/${store.id}/${id}/actions`
    const form = await api(path, {
      method: 'POST',
      body: 'action=archive',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    })
    expect(form.status).toBe(415)
    const big = await api(path, {
      method: 'POST',
      json: { action: 'archive', pad: 'x'.repeat(70_000) },
    })
    expect(big.status).toBe(413)
    expect((await errorOf(big)).code).toBe('PAYLOAD_TOO_LARGE')
    expect((await (await api(`/carts/${store.id}/${id}`)).json()) as object).toMatchObject({
      status: 'active',
    })
  })

  it('deletes the cart from its object and from D1', async () => {
    const store = await createStore()
    const { id, stub } = await contactCart(store, { email: 'erase.me@example.com' })
    await projected(store, id)
    const res = await api(`/carts/${store.id}/${id}/actions`, {
      method: 'POST',
      json: { action: 'delete' },
    })
    expect(await res.json()).toEqual({ ok: true, deleted: true, storeId: store.id, cartId: id })
    expect(await stub.snapshot()).toBeNull()
    for (const table of ['carts', 'contacts', 'orders']) {
      const row = await env.DB.prepare(`SELECT 1 FROM ${table} WHERE store_id = ? AND cart_id = ?`)
        .bind(store.id, id)
        .first()
      expect(row, table).toBeNull()
    }
    expect((await api(`/carts/${store.id}/${id}`)).status).toBe(404)
    // Deleting again succeeds, so a delete whose D1 part failed can simply be retried.
    const again = await api(`/carts/${store.id}/${id}/actions`, {
      method: 'POST',
      json: { action: 'delete' },
    })
    expect(again.status).toBe(200)
    expect(await stub.snapshot()).toBeNull()
  })

  it('answers a delete of a cart that never existed with 404', async () => {
    const store = await createStore()
    const res = await api(`/carts/${store.id}/${cartId()}/actions`, {
      method: 'POST',
      json: { action: 'delete' },
    })
    expect(res.status).toBe(404)
  })
})
