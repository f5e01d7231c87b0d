import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { abandon, beacon, cartId, contactCart, ITEMS } from '#test/carts'
import { call, createStore, oneEmailStore, waitForRow } from '#test/helpers'
import { isSuppressed } from '../db/suppressions'
import { signLinkToken } from '../lib/restore-token'
import { cartStub } from '../objects/stubs'

const SECRET = 'test-signing-secret-0123456789abcdef'
const inAYear = () => Math.floor(Date.now() / 1000) + 365 * 86_400

async function cartWithEmail(email = `${cartId()}@example.com`) {
  const store = await createStore({ settings: oneEmailStore() })
  const { id, stub } = await contactCart(store, { email })
  const token = await signLinkToken(SECRET, 'unsubscribe', {
    storeId: store.id,
    cartId: id,
    step: 'email',
    exp: inAYear(),
  })
  return { store, id, email, token, stub }
}

describe('unsubscribe links', () => {
  it('shows a page with a button on GET and changes nothing', async () => {
    const { store, email, token } = await cartWithEmail()
    const res = await call(`/u/${token}`)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain(`Unsubscribe from ${store.name}?`)
    expect(html).toContain('method="post"')
    expect(await isSuppressed(env.DB, store.id, 'email', email)).toBe(false)
  })

  it('suppresses the address on the one-click POST (RFC 8058) and journals it', async () => {
    const { store, email, token, stub } = await cartWithEmail()
    const res = await call(`/u/${token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    })
    expect(res.status).toBe(200)
    expect(await isSuppressed(env.DB, store.id, 'email', email)).toBe(true)
    expect((await stub.snapshot())!.journal.at(-1)).toMatchObject({
      type: 'contact.unsubscribed',
      channel: 'email',
      via: 'one_click',
    })
  })

  it('sends no more email to a suppressed address, from any cart of the store', async () => {
    const first = await cartWithEmail()
    await call(`/u/${first.token}`, { method: 'POST', body: '' })
    const id = cartId()
    await beacon({
      store: first.store.publishableKey,
      cart: id,
      type: 'contact',
      items: ITEMS,
      contact: { email: first.email },
    })
    const other = cartStub(env.CART, { storeId: first.store.id, cartId: id })
    await abandon(other)
    expect((await other.snapshot())!.state.runs[0]).toMatchObject({
      status: 'skipped',
      reason: 'email_suppressed',
    })
  })

  it('answers a tampered or restore-purpose token with a plain 400 page', async () => {
    const { store, id, token } = await cartWithEmail()
    const restoreToken = await signLinkToken(SECRET, 'restore', {
      storeId: store.id,
      cartId: id,
      step: 'email',
      exp: inAYear(),
    })
    for (const bad of [`${token.slice(0, -2)}xx`, restoreToken]) {
      const res = await call(`/u/${bad}`, { method: 'POST', body: 'List-Unsubscribe=One-Click' })
      expect(res.status).toBe(400)
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    }
  })
})

describe('the link in a sent email', () => {
  it('unsubscribes the address the email went to, even after the cart changed it', async () => {
    const { store, id, email, stub } = await cartWithEmail()
    await abandon(stub)
    const row = await waitForRow<{ html: string }>(
      'SELECT html FROM messages WHERE cart_id = ?',
      id,
    )
    const link = /href="https:\/\/cartback\.test(\/u\/[^"]+)"/.exec(row.html)![1]!
    await beacon({
      store: store.publishableKey,
      cart: id,
      type: 'contact',
      contact: { email: 'someone.else@example.com' },
    })
    const page = await call(link)
    expect(await page.text()).toContain('no more emails')
    expect((await call(link, { method: 'POST', body: 'List-Unsubscribe=One-Click' })).status).toBe(
      200,
    )
    expect(await isSuppressed(env.DB, store.id, 'email', email)).toBe(true)
    expect(await isSuppressed(env.DB, store.id, 'email', 'someone.else@example.com')).toBe(false)
  })
})

describe('short links', () => {
  it('redirect to the signed restore link they stand for', async () => {
    const { store, id } = await cartWithEmail()
    await env.DB.prepare(
      'INSERT INTO short_links (code, store_id, cart_id, token, expires_at) VALUES (?, ?, ?, ?, ?)',
    )
      .bind('AbCdEfGhIj', store.id, id, 'TOKEN.SIG', Date.now() + 60_000)
      .run()
    const res = await call('/s/AbCdEfGhIj', { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/r/TOKEN.SIG')
  })

  it('answer an unknown or malformed code with a plain 404 page', async () => {
    for (const code of ['ZZZZZZZZZZ', 'short', '../../etc']) {
      const res = await call(`/s/${code}`, { redirect: 'manual' })
      expect(res.status).toBe(404)
      expect(res.headers.get('location')).toBeNull()
    }
  })
})
