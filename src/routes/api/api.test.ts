import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { abandon, beacon, cartId, ITEMS } from '#test/carts'
import { api, call, createStore, errorOf, ORIGIN, waitForRow } from '#test/helpers'
import type { Store } from '../../db/stores'
import { verifyRestoreToken } from '../../lib/restore-token'
import { cartStub } from '../../objects/stubs'

const SECRET = 'test-signing-secret-0123456789abcdef'

async function trackedCart(store: Store, extra: Record<string, unknown> = {}) {
  const id = cartId()
  await beacon({ store: store.publishableKey, cart: id, type: 'contact', items: ITEMS, ...extra })
  const stub = cartStub(env.CART, { storeId: store.id, cartId: id })
  return { id, stub }
}

/** Waits until D1 shows the cart at the object's current revision. */
async function projected(store: Store, id: string) {
  const s = (await cartStub(env.CART, { storeId: store.id, cartId: id }).snapshot())!.state
  await waitForRow(
    'SELECT 1 FROM carts WHERE store_id = ? AND cart_id = ? AND revision = ?',
    store.id,
    id,
    s.revision,
  )
}

describe('API authentication', () => {
  it.each([
    ['no header', {}],
    ['a wrong token', { Authorization: 'Bearer nope-nope-nope-nope' }],
    ['another scheme', { Authorization: 'Basic dGVzdC1hZG1pbi10b2tlbg==' }],
  ])('refuses %s with 401', async (_n, headers) => {
    const res = await call('/api/v1/stores', { headers })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('Bearer')
    expect((await errorOf(res)).code).toBe('UNAUTHORIZED')
  })

  it.each([
    ['no header', {}],
    ['a wrong token', { Authorization: 'Bearer cb_live_nope-nope-nope-nope' }],
    ['a malformed header', { Authorization: 'Bearer not a token' }],
    ['the scheme alone', { Authorization: 'Bearer' }],
  ])('says %s the same way: 401, one challenge, our envelope', async (_n, headers) => {
    const res = await call('/api/v1/stores', { headers })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="cartback"')
    const error = await errorOf(res)
    expect(error).toEqual({
      code: 'UNAUTHORIZED',
      message: 'Missing or invalid API token.',
      requestId: res.headers.get('x-request-id'),
    })
    expect(error.requestId).toMatch(/^req_/)
  })
})

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

describe('sequences', () => {
  const sms = (body: string, id = 'sms-1') => ({
    id,
    channel: 'sms',
    delaySeconds: 3600,
    windowSeconds: 7200,
    template: { body },
  })

  it('starts every store with the default sequence and sizes its texts', async () => {
    const store = await createStore()
    const res = await api(`/stores/${store.id}/sequence`)
    const body = (await res.json()) as {
      sequence: { id: string }[]
      texts: { stepId: string; worstCase: { segments: number } }[]
    }
    expect(body.sequence.map((s) => s.id)).toEqual(['email-1h', 'sms-3h', 'email-24h', 'email-72h'])
    expect(body.texts).toMatchObject([{ stepId: 'sms-3h', maxSegments: 2 }])
    expect(body.texts[0]!.worstCase.segments).toBeLessThanOrEqual(2)
  })

  it('replaces the sequence', async () => {
    const store = await createStore()
    const res = await api(`/stores/${store.id}/sequence`, {
      method: 'PUT',
      json: { sequence: [sms('{{storeName}}: {{restoreUrl}}')] },
    })
    expect(res.status).toBe(200)
    const saved = (await (await api(`/stores/${store.id}`)).json()) as Store
    expect(saved.settings.sequence).toEqual([sms('{{storeName}}: {{restoreUrl}}')])
  })

  const bad: [string, unknown][] = [
    ['a text over two segments', [sms(`${'Very long text. '.repeat(18)}{{restoreUrl}}`)]],
    ['an unknown variable', [sms('Hi {{name}}')]],
    ['duplicate step ids', [sms('a'), sms('b')]],
    ['steps out of order', [{ ...sms('a', 'late'), delaySeconds: 7200 }, sms('b', 'early')]],
    [
      'a percent incentive over 100',
      [{ ...sms('a'), incentive: { kind: 'percent', amount: 150, validForSeconds: 86400 } }],
    ],
    [
      'an email step without a subject',
      [
        {
          id: 'e',
          channel: 'email',
          delaySeconds: 0,
          windowSeconds: 3600,
          template: { heading: 'h', body: 'b', buttonLabel: 'go' },
        },
      ],
    ],
  ]
  it.each(bad)('refuses %s with 400 and keeps the old sequence', async (_n, sequence) => {
    const store = await createStore()
    const res = await api(`/stores/${store.id}/sequence`, { method: 'PUT', json: { sequence } })
    expect(res.status).toBe(400)
    expect((await errorOf(res)).message).toMatch(/sequence/)
    const saved = (await (await api(`/stores/${store.id}`)).json()) as Store
    expect(saved.settings.sequence).toEqual(store.settings.sequence)
  })

  it('checks text sizes on a settings PATCH too', async () => {
    const store = await createStore()
    const res = await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: { settings: { sequence: [sms(`${'Very long text. '.repeat(18)}{{restoreUrl}}`)] } },
    })
    expect(res.status).toBe(400)
    expect((await errorOf(res)).message).toContain('step sms-1')
  })

  it('previews a saved step against a sample cart, and an unsaved one against a real cart', async () => {
    const store = await createStore()
    const email = await api(`/stores/${store.id}/preview`, {
      method: 'POST',
      json: { stepId: 'email-1h' },
    })
    const rendered = (await email.json()) as {
      channel: string
      subject: string
      html: string
      text: string
    }
    expect(rendered).toMatchObject({ channel: 'email', subject: 'You left something in your cart' })
    expect(rendered.html).toContain('Ocean Tee')
    const { id } = await trackedCart(store, { contact: { firstName: 'Grace' } })
    const text = await api(`/stores/${store.id}/preview`, {
      method: 'POST',
      json: { cart: id, step: sms('Hi {{firstName}}, {{itemCount}} items: {{restoreUrl}}') },
    })
    expect(await text.json()).toMatchObject({
      channel: 'sms',
      text: 'Hi Grace, 3 items: https://cartback.test/s/PREVIEW123\nReply STOP to opt out',
      encoding: 'GSM-7',
      segments: 1,
    })
  })

  it('refuses a preview of an unknown step or cart', async () => {
    const store = await createStore()
    expect(
      (await api(`/stores/${store.id}/preview`, { method: 'POST', json: { stepId: 'nope' } }))
        .status,
    ).toBe(404)
    expect(
      (
        await api(`/stores/${store.id}/preview`, {
          method: 'POST',
          json: { stepId: 'email-1h', cart: cartId() },
        })
      ).status,
    ).toBe(404)
    expect((await api(`/stores/${store.id}/preview`, { method: 'POST', json: {} })).status).toBe(
      400,
    )
  })

  it('refuses quiet hours wider than the law allows', async () => {
    const store = await createStore()
    const res = await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: { settings: { quietHours: { startHour: 7, endHour: 21 } } },
    })
    expect(res.status).toBe(400)
    const ok = await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: { settings: { quietHours: { startHour: 9, endHour: 19 } } },
    })
    expect(((await ok.json()) as Store).settings.quietHours).toEqual({ startHour: 9, endHour: 19 })
  })
})

describe('carts', () => {
  it('lists the carts of a store newest first with cursor pagination', async () => {
    const store = await createStore()
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      const { id } = await trackedCart(store)
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
    const a = await trackedCart(store, {
      contact: { email: 'find.me@example.com', phone: '415-555-2671' },
    })
    const b = await trackedCart(store)
    const elsewhere = await trackedCart(other, { contact: { email: 'find.me@example.com' } })
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
    const known = await trackedCart(store, { contact: { email: 'csv@example.com' } })
    const anonymous = await trackedCart(store)
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
    const { id } = await trackedCart(store, { contact: { email: 'ada@example.com' } })
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

  it('lists carts of every store when no store is named', async () => {
    const a = await createStore()
    const b = await createStore()
    const ca = await trackedCart(a)
    const cb = await trackedCart(b)
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
    const { id, stub } = await trackedCart(store)
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
    const { id, stub } = await trackedCart(store)
    await abandon(stub)
    const res = await api(`/carts/${store.id}/${id}/actions`, {
      method: 'POST',
      json: { action: 'mark_recovered' },
    })
    expect(await res.json()).toMatchObject({ status: 'recovered', recoveredRevenue: 6400 })
  })

  it('refuses an action body that is not JSON or too large', async () => {
    const store = await createStore()
    const { id } = await trackedCart(store)
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
    const { id, stub } = await trackedCart(store, { contact: { email: 'erase.me@example.com' } })
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

describe('stats', () => {
  it('counts by status and reports recovered revenue per currency over a range', async () => {
    const store = await createStore()
    const from = new Date(Date.now() - 3_600_000).toISOString()
    const a = await trackedCart(store)
    const b = await trackedCart(store)
    const c = await trackedCart(store)
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

describe('unknown routes', () => {
  it('answer 404 with the JSON envelope', async () => {
    const res = await call('/nope')
    expect(res.status).toBe(404)
    expect((await errorOf(res)).code).toBe('NOT_FOUND')
    void ORIGIN
  })
})
