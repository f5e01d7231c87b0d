import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { age, beacon } from '#test/carts'
import {
  abandonNow,
  clockAhead,
  contactOf,
  DISCLOSURE,
  PHONE,
  phoneCart,
  textingStore,
} from '#test/contacts'
import { api, call, waitForRow } from '#test/helpers'
import { twilioInbound } from '#test/texts'
import { reply, textsTo } from '#test/threads'
import type { Store } from '../db/stores'
import { isSuppressed } from '../db/suppressions'

describe('double opt-in', () => {
  it('asks a new number to reply YES, and sends no reminder until it does', async () => {
    const store = await textingStore()
    const { stub } = await phoneCart(store)
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
    const { id } = await phoneCart(store)
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
    await phoneCart(store)
    const res = await reply(store, 'Yes')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<Response/>')
    await waitForRow("SELECT 1 FROM messages WHERE store_id = ? AND step_id = 'start'", store.id)
    const { stub } = await phoneCart(store)
    expect(await abandonNow(stub)).toMatchObject({ status: 'sent' })
  })
})

describe('replies', () => {
  it('STOP suppresses every cart of the number at once and confirms once', async () => {
    const store = await textingStore(false)
    const first = await phoneCart(store)
    await reply(store, 'STOP')
    await waitForRow("SELECT 1 FROM messages WHERE store_id = ? AND step_id = 'stop'", store.id)
    expect(await isSuppressed(env.DB, store.id, 'sms', PHONE)).toBe(true)
    expect((await first.stub.snapshot())!.journal.map((j) => j.type)).toContain('sms.opt_out')
    const second = await phoneCart(store)
    expect(await abandonNow(second.stub)).toMatchObject({
      status: 'skipped',
      reason: 'sms_suppressed',
    })
    expect(await textsTo(store, 'stop')).toHaveLength(1)
  })

  it('START lifts the suppression', async () => {
    const store = await textingStore(false)
    await phoneCart(store)
    await reply(store, 'stop')
    await waitForRow("SELECT 1 FROM messages WHERE store_id = ? AND step_id = 'stop'", store.id)
    await reply(store, 'START')
    await waitForRow("SELECT 1 FROM messages WHERE store_id = ? AND step_id = 'start'", store.id)
    expect(await isSuppressed(env.DB, store.id, 'sms', PHONE)).toBe(false)
  })

  it('HELP answers with the frequency, rates, STOP and the support contact', async () => {
    const store = await textingStore(false)
    await phoneCart(store)
    await reply(store, 'help')
    const help = await waitForRow<{ text: string }>(
      "SELECT text FROM messages WHERE store_id = ? AND step_id = 'help'",
      store.id,
    )
    expect(help.text).toMatch(/msgs\/cart.*rates.*help@acme\.example.*STOP/s)
  })

  it('handles a redelivered message (same SID) once', async () => {
    const store = await textingStore(false)
    await phoneCart(store)
    const contact = contactOf(store)
    // Ahead of the runtime's clock: the alarm armed for the text rings only when the test says.
    await clockAhead(store)
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
    await phoneCart(store)
    expect((await send(store)).status).toBe(status)
    expect(await isSuppressed(env.DB, store.id, 'sms', PHONE)).toBe(false)
  })
})

describe('one sequence per contact', () => {
  it('stops the older cart when the same person starts a newer one', async () => {
    const store = await textingStore(false)
    const older = await phoneCart(store)
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
    await phoneCart(store)
    const after = (await older.stub.snapshot())!
    expect(after.state.runs[0]).toMatchObject({ status: 'cancelled', reason: 'superseded' })
    expect(after.journal.map((j) => j.type)).toContain('cart.superseded')
  })
})

describe('daily cap across carts', () => {
  it('defers a text when the number already got three in the last day', async () => {
    const store = await textingStore(false)
    const contact = contactOf(store)
    const { stub } = await phoneCart(store)
    for (const h of [20, 5, 1]) await contact.recordText(Date.now() - h * 3_600_000, 'other-cart')
    expect(await abandonNow(stub)).toMatchObject({ status: 'deferred', reason: 'daily_text_cap' })
  })
})
