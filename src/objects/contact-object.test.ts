import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { age, beacon, cartId, ITEMS } from '#test/carts'
import { api, call, createStore, waitForRow } from '#test/helpers'
import { twilioInbound } from '#test/texts'
import { middayZone } from '#test/zones'
import type { Store } from '../db/stores'
import { isSuppressed } from '../db/suppressions'
import type { CartObject } from './cart-object'
import type { ContactObject } from './contact-object'
import { cartStub, contactStub } from './stubs'

// A UK mobile with a browser zone where it is midday now, so quiet hours never interfere.
const PHONE = '+447911123456'
const MIDDAY = middayZone()
const DISCLOSURE = 'Text me cart reminders from Acme. Reply STOP to opt out.'

async function textingStore(doubleOptIn = true): Promise<Store> {
  return createStore({
    settings: {
      inactivitySeconds: 60,
      sms: { doubleOptIn },
      sender: { supportEmail: 'help@acme.example' },
      sequence: [
        {
          id: 'sms-now',
          channel: 'sms',
          delaySeconds: 0,
          windowSeconds: 86_400,
          template: { body: '{{storeName}}: {{restoreUrl}}' },
        },
      ],
    },
  })
}

async function consentingCart(store: Store, phone = PHONE) {
  const id = cartId()
  const res = await beacon({
    store: store.publishableKey,
    cart: id,
    type: 'contact',
    items: ITEMS,
    contact: { phone, timezone: MIDDAY },
    consent: { sms: true, text: DISCLOSURE },
  })
  expect(res.status).toBe(202)
  return { id, stub: cartStub(env.CART, { storeId: store.id, cartId: id }) }
}

/** Abandons the cart and lets its alarm decide the text step. */
async function abandonNow(stub: DurableObjectStub<CartObject>) {
  await age(stub, 61_000)
  await runInDurableObject(stub, (o: CartObject) => o.alarm())
  return (await stub.snapshot())!.state.runs[0]
}

let sids = 0
const reply = (
  store: Store,
  body: string,
  from = PHONE,
  sid = `SM${String(++sids).padStart(32, '0')}`,
) => twilioInbound(store.id, body, from, sid)

const textsTo = async (store: Store, step: string) => {
  const { results } = await env.DB.prepare(
    'SELECT text FROM messages WHERE store_id = ? AND step_id = ?',
  )
    .bind(store.id, step)
    .all<{ text: string }>()
  return results.map((r) => r.text)
}

describe('double opt-in', () => {
  it('asks a new number to reply YES, and sends no reminder until it does', async () => {
    const store = await textingStore()
    const { stub } = await consentingCart(store)
    const ask = await waitForRow<{ text: string }>(
      "SELECT text FROM messages WHERE store_id = ? AND step_id = 'optin'",
      store.id,
    )
    expect(ask.text).toContain('reply YES')
    expect(await abandonNow(stub)).toMatchObject({
      status: 'skipped',
      reason: 'sms_opt_in_pending',
    })
  })

  it('files the YES request under the cart that asked: its messages and its timeline', async () => {
    const store = await textingStore()
    const { id } = await consentingCart(store)
    const row = await waitForRow<{ id: string; cart_id: string }>(
      "SELECT id, cart_id FROM messages WHERE store_id = ? AND step_id = 'optin'",
      store.id,
    )
    expect(row.cart_id).toBe(id)
    const detail = await (await api(`/carts/${store.id}/${id}`)).json<{
      messages: { id: string; step: string; text: string }[]
      journal: Record<string, unknown>[]
    }>()
    expect(detail.messages).toEqual([
      expect.objectContaining({ id: row.id, step: 'optin', text: expect.stringContaining('YES') }),
    ])
    expect(detail.journal.filter((j) => j.step === 'optin')).toEqual([
      expect.objectContaining({
        type: 'message.sent',
        source: 'storefront',
        channel: 'sms',
        messageId: row.id,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    ])
    // The same consent again asks nothing and notes nothing more.
    await beacon({
      store: store.publishableKey,
      cart: id,
      type: 'contact',
      contact: { phone: PHONE },
      consent: { sms: true, text: DISCLOSURE },
    })
    const again = await (await api(`/carts/${store.id}/${id}`)).json<{
      journal: Record<string, unknown>[]
    }>()
    expect(again.journal.filter((j) => j.step === 'optin')).toHaveLength(1)
    expect(await textsTo(store, 'optin')).toHaveLength(1)
  })

  it('sends reminders once the shopper replied YES', async () => {
    const store = await textingStore()
    await consentingCart(store)
    const res = await reply(store, 'Yes')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<Response/>')
    await waitForRow("SELECT 1 FROM messages WHERE store_id = ? AND step_id = 'start'", store.id)
    const { stub } = await consentingCart(store)
    expect(await abandonNow(stub)).toMatchObject({ status: 'sent' })
  })
})

describe('replies', () => {
  it('STOP suppresses every cart of the number at once and confirms once', async () => {
    const store = await textingStore(false)
    const first = await consentingCart(store)
    await reply(store, 'STOP')
    await waitForRow("SELECT 1 FROM messages WHERE store_id = ? AND step_id = 'stop'", store.id)
    expect(await isSuppressed(env.DB, store.id, 'sms', PHONE)).toBe(true)
    expect((await first.stub.snapshot())!.journal.map((j) => j.type)).toContain('sms.opt_out')
    const second = await consentingCart(store)
    expect(await abandonNow(second.stub)).toMatchObject({
      status: 'skipped',
      reason: 'sms_suppressed',
    })
    expect(await textsTo(store, 'stop')).toHaveLength(1)
  })

  it('START lifts the suppression', async () => {
    const store = await textingStore(false)
    await consentingCart(store)
    await reply(store, 'stop')
    await waitForRow("SELECT 1 FROM messages WHERE store_id = ? AND step_id = 'stop'", store.id)
    await reply(store, 'START')
    await waitForRow("SELECT 1 FROM messages WHERE store_id = ? AND step_id = 'start'", store.id)
    expect(await isSuppressed(env.DB, store.id, 'sms', PHONE)).toBe(false)
  })

  it('HELP answers with the frequency, rates, STOP and the support contact', async () => {
    const store = await textingStore(false)
    await consentingCart(store)
    await reply(store, 'help')
    const help = await waitForRow<{ text: string }>(
      "SELECT text FROM messages WHERE store_id = ? AND step_id = 'help'",
      store.id,
    )
    expect(help.text).toMatch(/msgs\/cart.*rates.*help@acme\.example.*STOP/s)
  })

  it('handles a redelivered message (same SID) once', async () => {
    const store = await textingStore(false)
    await consentingCart(store)
    const contact = contactStub(env.CONTACT, { storeId: store.id, channel: 'sms', address: PHONE })
    // Ahead of the runtime's clock: the alarm armed for the text rings only when the test says.
    await runInDurableObject(contact, (o: ContactObject) => {
      o.clock = () => Date.now() + 5 * 60_000
    })
    const sid = `SM${'f'.repeat(32)}`
    await reply(store, 'HELP', PHONE, sid)
    await reply(store, 'HELP', PHONE, sid)
    expect(await runDurableObjectAlarm(contact)).toBe(true)
    await waitForRow("SELECT 1 FROM messages WHERE store_id = ? AND step_id = 'help'", store.id)
    expect(await textsTo(store, 'help')).toHaveLength(1)
  })

  it.each([
    [
      'a wrong signature',
      (s: Store) =>
        call(`/webhooks/twilio/${s.id}`, {
          method: 'POST',
          headers: { 'X-Twilio-Signature': 'bm9wZQ==' },
          body: 'From=%2B447911123456&Body=STOP',
        }),
      401,
    ],
    ['a sender that is not a number', (s: Store) => reply(s, 'STOP', 'not-a-number'), 400],
    ['an unknown store', () => twilioInbound('st_missing', 'STOP', PHONE), 404],
    [
      'an unsigned request for an unknown store (before any lookup)',
      () => call('/webhooks/twilio/st_missing', { method: 'POST', body: 'Body=STOP' }),
      401,
    ],
  ])('refuses %s and changes nothing', async (_n, send, status) => {
    const store = await textingStore(false)
    await consentingCart(store)
    expect((await send(store)).status).toBe(status)
    expect(await isSuppressed(env.DB, store.id, 'sms', PHONE)).toBe(false)
  })
})

describe('one sequence per contact', () => {
  it('stops the older cart when the same person starts a newer one', async () => {
    const store = await textingStore(false)
    const older = await consentingCart(store)
    await age(older.stub, 61_000)
    await runInDurableObject(older.stub, (_o, s) => s.storage.sql.exec('SELECT 1'))
    const olderState = (await older.stub.snapshot())!.state
    // Give the older cart a step still to come, then let the newer cart take over.
    await runInDurableObject(older.stub, (_o, s) => {
      s.storage.kv.put('state', {
        ...olderState,
        status: 'abandoned',
        abandonedAt: Date.now(),
        runs: [
          {
            id: 'sms-now',
            channel: 'sms',
            status: 'scheduled',
            dueAt: Date.now() + 3_600_000,
            notBefore: null,
            at: null,
            reason: null,
            messageId: null,
            clickedAt: null,
          },
        ],
      })
    })
    const { evictDurableObject } = await import('cloudflare:test')
    await evictDurableObject(older.stub)
    await consentingCart(store)
    const after = (await older.stub.snapshot())!
    expect(after.state.runs[0]).toMatchObject({ status: 'cancelled', reason: 'superseded' })
    expect(after.journal.map((j) => j.type)).toContain('cart.superseded')
  })
})

describe('daily cap across carts', () => {
  it('defers a text when the number already got three in the last day', async () => {
    const store = await textingStore(false)
    const contact = contactStub(env.CONTACT, { storeId: store.id, channel: 'sms', address: PHONE })
    const { stub } = await consentingCart(store)
    for (const h of [20, 5, 1]) await contact.recordText(Date.now() - h * 3_600_000, 'other-cart')
    expect(await abandonNow(stub)).toMatchObject({ status: 'deferred', reason: 'daily_text_cap' })
  })
})

describe('consent evidence export', () => {
  it('returns every record of the number as JSON and as CSV', async () => {
    const store = await textingStore(false)
    await consentingCart(store)
    const json = (await (
      await api(`/contacts/${store.id}/consent?phone=${encodeURIComponent(PHONE)}`)
    ).json()) as { records: Record<string, unknown>[] }
    expect(json.records).toEqual([
      expect.objectContaining({
        channel: 'sms',
        address: PHONE,
        granted: true,
        text: DISCLOSURE,
        source: 'storefront',
        ip: expect.any(String),
      }),
    ])
    const csv = await (
      await api(`/contacts/${store.id}/consent?phone=${encodeURIComponent(PHONE)}&format=csv`)
    ).text()
    expect(csv.split('\r\n')[0]).toBe(
      'channel,address,granted,text,at,ip,userAgent,page,cartId,source',
    )
    expect(csv).toContain(`"sms","'${PHONE}","true","${DISCLOSURE}"`)
  })

  it('keeps the evidence when the cart is deleted', async () => {
    const store = await textingStore(false)
    const { id } = await consentingCart(store)
    await api(`/carts/${store.id}/${id}/actions`, { method: 'POST', json: { action: 'delete' } })
    const json = (await (
      await api(`/contacts/${store.id}/consent?phone=${encodeURIComponent(PHONE)}`)
    ).json()) as { records: unknown[] }
    expect(json.records).toHaveLength(1)
  })

  it('purges consent records once they are four years old, and only those', async () => {
    const store = await textingStore(false)
    await consentingCart(store)
    const contact = contactStub(env.CONTACT, { storeId: store.id, channel: 'sms', address: PHONE })
    const fiveYears = Date.now() - 5 * 365 * 86_400_000
    await runInDurableObject(contact, (_o, s) => {
      s.storage.sql.exec(
        "INSERT INTO consent (at, granted, text, ip, user_agent, page, cart_id, source) VALUES (?, 1, 'old', NULL, NULL, NULL, 'c', 'storefront')",
        fiveYears,
      )
    })
    expect(await contact.ledger()).toHaveLength(2)
    expect(await runDurableObjectAlarm(contact)).toBe(true)
    const left = await contact.ledger()
    expect(left.map((r) => r.text)).toEqual([DISCLOSURE])
  })

  it('knows an address suppressed by an unsubscribe link or a bounce', async () => {
    const store = await textingStore(false)
    const { suppress } = await import('../db/suppressions')
    await suppress(env.DB, {
      storeId: store.id,
      channel: 'email',
      address: 'bounced@example.com',
      source: 'resend_bounced',
    })
    const ref = { storeId: store.id, channel: 'email' as const, address: 'bounced@example.com' }
    expect((await contactStub(env.CONTACT, ref).facts(ref)).suppressed).toBe(true)
    const other = { ...ref, address: 'fine@example.com' }
    expect((await contactStub(env.CONTACT, other).facts(other)).suppressed).toBe(false)
  })

  it('refuses a query without an address, or with both', async () => {
    const store = await textingStore(false)
    expect((await api(`/contacts/${store.id}/consent`)).status).toBe(400)
    expect((await api(`/contacts/${store.id}/consent?email=a@b.co&phone=1`)).status).toBe(400)
    expect((await api(`/contacts/${store.id}/consent?phone=12`)).status).toBe(400)
  })
})
