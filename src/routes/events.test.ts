import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { beacon, cartId, ITEMS, stateOf } from '#test/carts'
import { call, createStore, ORIGIN } from '#test/helpers'
import type { CartObject } from '../objects/cart-object'
import { cartStub } from '../objects/stubs'

describe('POST /v1/events', () => {
  it('accepts a cart beacon sent as text/plain and creates the cart in its own object', async () => {
    const store = await createStore()
    const id = cartId()
    const res = await beacon({ store: store.publishableKey, cart: id, type: 'cart', items: ITEMS })
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ ok: true })
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    const state = await stateOf(store.id, id)
    expect(state).toMatchObject({
      status: 'active',
      total: 6400,
      currency: 'USD',
      storeId: store.id,
    })
  })

  it('accepts application/json too', async () => {
    const store = await createStore()
    const res = await beacon(
      { store: store.publishableKey, cart: cartId(), type: 'cart', items: ITEMS },
      { type: 'application/json' },
    )
    expect(res.status).toBe(202)
  })

  it('normalises the phone to E.164 and the email to lower case', async () => {
    const store = await createStore()
    const id = cartId()
    await beacon({
      store: store.publishableKey,
      cart: id,
      type: 'contact',
      contact: { email: '  Ada@Example.COM ', phone: '(415) 555-2671', firstName: 'Ada' },
    })
    expect((await stateOf(store.id, id))?.contact).toEqual({
      email: 'ada@example.com',
      phone: '+14155552671',
      firstName: 'Ada',
    })
  })

  it('drops an invalid phone with a journal note instead of failing', async () => {
    const store = await createStore()
    const id = cartId()
    const res = await beacon({
      store: store.publishableKey,
      cart: id,
      type: 'contact',
      contact: { email: 'ada@example.com', phone: '12' },
    })
    expect(res.status).toBe(202)
    const snap = await cartStub(env.CART, { storeId: store.id, cartId: id }).snapshot()
    expect(snap?.state.contact.phone).toBeUndefined()
    expect(snap?.journal.map((j) => j.type)).toContain('contact.phone_invalid')
  })

  it('records SMS consent with the disclosure text, IP, user agent and page', async () => {
    const store = await createStore()
    const id = cartId()
    await call('/v1/events', {
      method: 'POST',
      headers: {
        'Content-Type': 'text/plain',
        Origin: ORIGIN,
        'CF-Connecting-IP': '198.51.100.4',
        'User-Agent': 'TestBrowser/1.0',
      },
      body: JSON.stringify({
        store: store.publishableKey,
        cart: id,
        type: 'contact',
        contact: { phone: '+1 415 555 2671' },
        consent: { sms: true, text: 'Text me reminders. Reply STOP to opt out.' },
        page: `${ORIGIN}/checkout`,
      }),
    })
    const state = await stateOf(store.id, id)
    expect(state?.consents).toEqual([
      expect.objectContaining({
        channel: 'sms',
        granted: true,
        text: 'Text me reminders. Reply STOP to opt out.',
        phone: '+14155552671',
        ip: '198.51.100.4',
        userAgent: 'TestBrowser/1.0',
        page: `${ORIGIN}/checkout`,
      }),
    ])
  })

  it('sets the alarm to the inactivity deadline; activity past the report wait moves it on when it fires, not before', async () => {
    const store = await createStore()
    const id = cartId()
    await beacon({ store: store.publishableKey, cart: id, type: 'cart', items: ITEMS })
    const stub = cartStub(env.CART, { storeId: store.id, cartId: id })
    const first = await runInDurableObject(stub, (_o, s) => s.storage.getAlarm())
    const firstState = await stateOf(store.id, id)
    expect(first).toBe((firstState?.lastActivityAt ?? 0) + 60_000)
    // Eleven seconds later on the object's own clock (no waiting), past the ten an anonymous
    // cart's item changes may wait to be reported together (which would set an alarm sooner).
    await runInDurableObject(stub, (o: CartObject) => {
      o.clock = () => Date.now() + 11_000
    })
    await beacon({ store: store.publishableKey, cart: id, type: 'checkout' })
    // Not rewritten later (a billed row per beacon): the early alarm is kept...
    expect(await runInDurableObject(stub, (_o, s) => s.storage.getAlarm())).toBe(first)
    // ...and when it fires, the cart is still active and the alarm moves to the new deadline.
    await runDurableObjectAlarm(stub)
    const pushed = await stateOf(store.id, id)
    expect(pushed?.status).toBe('active')
    const second = await runInDurableObject(stub, (_o, s) => s.storage.getAlarm())
    expect(second).toBe((pushed?.lastActivityAt ?? 0) + 60_000)
    expect(second).toBeGreaterThan(first ?? Infinity)
  })

  it('answers the CORS preflight for an allowed origin and not for others', async () => {
    await createStore()
    const ok = await call('/v1/events', {
      method: 'OPTIONS',
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    })
    expect(ok.status).toBe(204)
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    const bad = await call('/v1/events', {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    })
    expect(bad.headers.get('access-control-allow-origin')).toBeNull()
  })
})
