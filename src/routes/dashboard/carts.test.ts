import { describe, expect, it } from 'vitest'
import { beacon, cartId, ITEMS } from '#test/carts'
import * as session from '#test/dashboard-session'
import { api, createStore, waitForRow } from '#test/helpers'

/** A signed-in session and its CSRF token, read from a page as a browser would. */
async function openCarts() {
  const cookies = await session.signIn()
  const csrf = session.csrfOf(await (await session.get('/carts', cookies)).text())
  expect(csrf).not.toBe('')
  return { cookies, csrf }
}

async function cartIn(store: { id: string; publishableKey: string }, body = {}) {
  const id = cartId()
  const res = await beacon({
    store: store.publishableKey,
    cart: id,
    type: 'cart',
    items: ITEMS,
    ...body,
  })
  expect(res.status).toBe(202)
  await waitForRow('SELECT 1 FROM carts WHERE store_id = ? AND cart_id = ?', store.id, id)
  return id
}

describe('dashboard carts', () => {
  it('answers a bad filter with 400 and the form, not an error', async () => {
    const { cookies } = await openCarts()
    const res = await session.get('/carts?from=yesterday', cookies)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('That filter is not valid')
    const unknown = await session.get('/carts?store=st_nope', cookies)
    expect(unknown.status).toBe(400)
    expect(await unknown.text()).toContain('There is no such store.')
    const cursor = await session.get('/carts?cursor=garbage', cookies)
    expect(cursor.status).toBe(400)
    expect(cursor.headers.get('content-type')).toMatch(/^text\/html/)
  })

  it('shows a missing cart as a 404 page in the layout', async () => {
    const { cookies } = await openCarts()
    const store = await createStore()
    const res = await session.get(`/carts/${store.id}/${cartId()}`, cookies)
    expect(res.status).toBe(404)
    const html = await res.text()
    expect(html).toContain('There is no such cart')
    expect(html).toContain('aria-label="Main"')
  })

  it('refuses bulk requests without a selection, with too many carts or a bad action', async () => {
    const { cookies, csrf } = await openCarts()
    const none = await session.post('/carts/bulk', cookies, { _csrf: csrf, action: 'archive' })
    expect(none.status).toBe(400)
    expect(await none.text()).toContain('Select at least one cart first.')
    const store = await createStore()
    const id = await cartIn(store)
    const bad = await session.post('/carts/bulk', cookies, {
      _csrf: csrf,
      action: 'explode',
      cart: `${store.id}/${id}`,
    })
    expect(bad.status).toBe(400)
    const many = new URLSearchParams({ _csrf: csrf, action: 'archive' })
    for (let i = 0; i < 201; i++) many.append('cart', `${store.id}/${cartId()}`)
    const tooMany = await session.post('/carts/bulk', cookies, many)
    expect(tooMany.status).toBe(400)
    expect(await tooMany.text()).toContain('at most 200')
    const detail = await (await api(`/carts/${store.id}/${id}`)).json<{ status: string }>()
    expect(detail.status).toBe('active')
  })

  it('asks before deleting, then deletes and says how many', async () => {
    const { cookies, csrf } = await openCarts()
    const store = await createStore()
    const a = await cartIn(store)
    const b = await cartIn(store)
    const fields = new URLSearchParams({ _csrf: csrf, action: 'delete', back: `store=${store.id}` })
    fields.append('cart', `${store.id}/${a}`)
    fields.append('cart', `${store.id}/${b}`)
    const ask = await session.post('/carts/bulk', cookies, fields)
    expect(ask.status).toBe(200)
    expect(await ask.text()).toContain('Delete 2 carts?')
    expect((await api(`/carts/${store.id}/${a}`)).status).toBe(200)
    fields.set('confirm', 'yes')
    const done = await session.post('/carts/bulk', cookies, fields)
    expect(done.status).toBe(303)
    expect(done.headers.get('location')).toBe(`/carts?store=${store.id}&done=delete&n=2&skipped=0`)
    expect((await api(`/carts/${store.id}/${a}`)).status).toBe(404)
    expect((await api(`/carts/${store.id}/${b}`)).status).toBe(404)
    const page = await (await session.get(done.headers.get('location') ?? '', cookies)).text()
    expect(page).toContain('2 carts deleted.')
  })

  it('says on the page when an action is refused, and changes nothing', async () => {
    const { cookies, csrf } = await openCarts()
    const store = await createStore()
    const id = await cartIn(store)
    const path = `/carts/${store.id}/${id}`
    const recovered = await session.post(`${path}/act`, cookies, {
      _csrf: csrf,
      action: 'mark_recovered',
    })
    expect(recovered.status).toBe(409)
    expect(await recovered.text()).toContain('never abandoned cannot be recovered')
    const reply = await session.post(`${path}/reply`, cookies, {
      _csrf: csrf,
      text: 'Hello',
      nonce: 'n-1',
    })
    expect(reply.status).toBe(409)
    expect(await reply.text()).toContain('This cart has no phone number.')
    // The form always carries its one-time nonce: a post without one is refused.
    const noNonce = await session.post(`${path}/reply`, cookies, { _csrf: csrf, text: 'Hello' })
    expect(noNonce.status).toBe(400)
    expect(await noNonce.text()).toContain('That form was not valid')
    const empty = await session.post(`${path}/reply`, cookies, { _csrf: csrf, text: '   ' })
    expect(empty.status).toBe(400)
    const archived = await session.post(`${path}/act`, cookies, { _csrf: csrf, action: 'archive' })
    expect(archived.status).toBe(303)
    expect(archived.headers.get('location')).toBe(`${path}?done=archive`)
    const detail = await (await api(`/carts/${store.id}/${id}`)).json<{ status: string }>()
    expect(detail.status).toBe('archived')
  })

  it('exports the filter as CSV with formula-looking text defused', async () => {
    const { cookies } = await openCarts()
    const store = await createStore()
    const id = await cartIn(store, {
      type: 'order',
      contact: { email: 'ada@example.com' },
      order: { id: '=HYPERLINK("http://evil.example","x")', total: 5600 },
    })
    await waitForRow(
      'SELECT 1 FROM carts WHERE store_id = ? AND cart_id = ? AND order_id IS NOT NULL',
      store.id,
      id,
    )
    const res = await session.get(`/carts/export.csv?store=${store.id}`, cookies)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const lines = (await res.text()).trimEnd().split('\r\n')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`)
    expect(lines[1]).toContain('"converted","USD","64.00","3","ada@example.com"')
    const bad = await session.get('/carts/export.csv?status=gone', cookies)
    expect(bad.status).toBe(400)
  })
})
