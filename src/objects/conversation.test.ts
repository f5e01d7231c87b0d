// Two-way SMS through the real webhook, contact object, cart object and D1: the offline
// responder answers (the AI binding never runs in tests), coupons go to an injected issuer (the
// network it stands for).
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { age, beacon, cartId, ITEMS } from '#test/carts'
import { api, call, createStore, waitForRow } from '#test/helpers'
import { twilioInbound } from '#test/texts'
import { middayZone, nightZone } from '#test/zones'
import { createAdapters } from '../adapters'
import type { CouponIssuer } from '../adapters/coupons/types'
import { type Store, storeById } from '../db/stores'
import { isSuppressed } from '../db/suppressions'
import { contactPolicy } from '../domain/store/settings'
import type { CartObject } from './cart-object'
import type { ContactObject } from './contact-object'
import { cartStub, contactStub } from './stubs'

const PHONE = '+447911123456'
const MIDDAY = middayZone()

async function assistantStore(over: Record<string, unknown> = {}): Promise<Store> {
  const store = await createStore({
    name: 'Harbor Goods',
    settings: {
      inactivitySeconds: 60,
      sms: { doubleOptIn: false },
      sender: {
        fromEmail: 'shop@harbor.example',
        supportEmail: 'help@harbor.example',
        postalAddress: '1 Pier Rd, Portland, ME 04101',
      },
      knowledgeBase: {
        shipping: 'We ship to the US and Canada; Canada takes 5-8 business days.',
        returns: 'Returns are free within 30 days.',
      },
      ai: { incentive: { kind: 'percent', amount: 10, validForSeconds: 86_400 } },
      sequence: [
        {
          id: 'sms-later',
          channel: 'sms',
          delaySeconds: 0,
          windowSeconds: 86_400,
          template: { body: '{{storeName}}: your cart is waiting {{restoreUrl}}' },
        },
      ],
      ...over,
    },
  })
  await api(`/stores/${store.id}`, {
    method: 'PATCH',
    json: {
      woocommerceApi: { consumerKey: 'ck_1234567890abcdef', consumerSecret: 'cs_1234567890abcdef' },
    },
  })
  return store
}

async function cartWithPhone(store: Store, timezone = MIDDAY) {
  const id = cartId()
  const res = await beacon({
    store: store.publishableKey,
    cart: id,
    type: 'contact',
    items: ITEMS,
    currency: 'USD',
    contact: { phone: PHONE, email: 'ada@example.com', timezone },
    consent: { sms: true, text: 'Text me about my cart. Reply STOP to opt out.' },
  })
  expect(res.status).toBe(202)
  await clockAhead(store)
  return { id, stub: cartStub(env.CART, { storeId: store.id, cartId: id }) }
}

const contactOf = (store: Store) =>
  contactStub(env.CONTACT, { storeId: store.id, channel: 'sms', address: PHONE })

/**
 * The contact's clock runs five minutes ahead of the runtime's: the alarm it arms for a text is
 * not due yet for the runtime, so only the test rings it, and handling is over when it returns.
 * Five minutes keeps a just-received text under the 15-minute night rule.
 */
const AHEAD_MS = 5 * 60_000
const clockAhead = (store: Store) =>
  runInDurableObject(contactOf(store), (o: ContactObject) => {
    o.clock = () => Date.now() + AHEAD_MS
  })

/** Rings the contact's alarm: every text it holds is handled when it returns. */
async function settle(store: Store) {
  const stub = contactOf(store)
  expect(await runDurableObjectAlarm(stub)).toBe(true)
  const pending = await runInDurableObject(
    stub,
    (_o, state) =>
      state.storage.sql
        .exec<{ n: number }>('SELECT COUNT(*) AS n FROM inbound WHERE pending = 1')
        .one().n,
  )
  if (pending !== 0) throw new Error('the texts were never handled')
}

/** A text from the shopper, answered (`<Response/>`) and then handled by the contact's alarm. */
async function text(store: Store, body: string) {
  const res = await twilioInbound(store.id, body, PHONE)
  expect(res.status).toBe(200)
  expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>')
  await settle(store)
}

type Sent = { text: string; step_id: string; channel: string; to: string; subject: string | null }
async function sentTexts(store: Store, step = 'ai'): Promise<Sent[]> {
  const { results } = await env.DB.prepare(
    'SELECT text, step_id, channel, "to", subject FROM messages WHERE store_id = ? AND step_id = ? ORDER BY created_at',
  )
    .bind(store.id, step)
    .all<Sent>()
  return results
}

type Detail = {
  conversation: {
    state: string
    turns: { author: string; text: string; model: string | null; at: string }[]
  } | null
  journal: { type: string; [k: string]: unknown }[]
}
const detailOf = async (store: Store, id: string) =>
  (await (await api(`/carts/${store.id}/${id}`)).json()) as Detail
/** The assistant's replies in the cart's thread (the object's record, not the eventual D1 rows). */
const aiReplies = async (store: Store, id: string) =>
  ((await detailOf(store, id)).conversation?.turns ?? [])
    .filter((t) => t.author === 'ai')
    .map((t) => t.text)

describe('answers to texts', () => {
  it('answers a question from the knowledge base with the cart link, and says it is automated', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    await text(store, 'do you ship to Canada?')
    const reply = await waitForRow<Sent>(
      "SELECT text FROM messages WHERE store_id = ? AND step_id = 'ai'",
      store.id,
    )
    expect(reply.text).toMatch(
      /^\(Automated reply\) We ship to the US and Canada; Canada takes 5-8 business days\. Your cart: https:\/\/cartback\.test\/s\/[0-9A-Za-z]{10}$/,
    )
    const d = await detailOf(store, id)
    expect(d.conversation?.state).toBe('ai')
    expect(d.conversation?.turns.map((t) => [t.author, t.model])).toEqual([
      ['shopper', null],
      ['ai', 'local'],
    ])
    expect(d.conversation?.turns[0]?.text).toBe('do you ship to Canada?')
    expect(d.journal.find((j) => j.type === 'sms.answered')).toMatchObject({
      model: 'local',
      attempts: 1,
    })
    // Only the first AI message of the thread says it.
    await text(store, 'and returns?')
    expect((await aiReplies(store, id))[1]).toMatch(/^Returns are free within 30 days\./)
  })

  it('offers the allowed incentive once per cart, and the reply link applies it on restore', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    const made: string[] = []
    const coupons: CouponIssuer = {
      async create(_shop, coupon) {
        made.push(coupon.code)
        return { ok: true, code: coupon.code, created: true }
      },
    }
    await runInDurableObject(contactOf(store), (o: ContactObject) => {
      Object.assign(o, { adapters: { ...createAdapters(env), coupons } })
    })
    await text(store, 'is there a discount?')
    await text(store, 'any coupon code?')
    const replies = await aiReplies(store, id)
    expect(made).toHaveLength(1)
    const code = made[0]!
    expect(replies.map((r) => r.includes(`use code ${code}`))).toEqual([true, true])
    // The short link in the reply leads to a restore that carries the code.
    const short = /\/s\/([0-9A-Za-z]{10})/.exec(replies[0]!)![1]!
    const row = await env.DB.prepare('SELECT token FROM short_links WHERE code = ?')
      .bind(short)
      .first<{ token: string }>()
    const restore = await call(`/v1/restore/${row!.token}`)
    expect(((await restore.json()) as { incentive: { code: string } }).incentive).toEqual({ code })
  })

  it('hands off to a person: emails the merchant and stays silent until resumed', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    await text(store, 'can I talk to a real person please')
    expect((await aiReplies(store, id))[0]).toContain('someone from the Harbor Goods team')
    const email = await waitForRow<Sent>(
      'SELECT text, "to", subject FROM messages WHERE store_id = ? AND step_id = \'handoff\'',
      store.id,
    )
    expect(email).toMatchObject({
      to: 'help@harbor.example',
      subject: 'Harbor Goods: a shopper asked for a person',
    })
    expect(email.text).toContain(PHONE)
    expect(email.text).toContain('can I talk to a real person please')
    expect((await detailOf(store, id)).conversation?.state).toBe('needs_human')

    await text(store, 'hello? do you ship to Canada?')
    expect(await aiReplies(store, id)).toHaveLength(1)
    expect((await detailOf(store, id)).journal.at(-1)).toMatchObject({
      type: 'sms.received',
      answered: false,
      reason: 'needs_human',
    })

    // The merchant answers by hand, then gives the thread back.
    const manual = await api(`/carts/${store.id}/${id}/reply`, {
      method: 'POST',
      json: { text: 'Hi, this is Sam from Harbor Goods. Yes, we do!' },
    })
    expect(manual.status).toBe(200)
    const resumed = await api(`/carts/${store.id}/${id}/actions`, {
      method: 'POST',
      json: { action: 'resume_ai' },
    })
    expect(
      ((await resumed.json()) as Detail['conversation'] & { conversation: { state: string } })
        .conversation.state,
    ).toBe('ai')
    await text(store, 'and returns?')
    const d = await detailOf(store, id)
    expect(d.conversation?.turns.map((t) => t.author)).toEqual([
      'shopper',
      'ai',
      'shopper',
      'merchant',
      'shopper',
      'ai',
    ])
  })

  it('hands off honestly when the knowledge base has no answer', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    await text(store, 'what is the meaning of life')
    expect((await aiReplies(store, id))[0]).toBe(
      '(Automated reply) Let me check with the team and get back to you.',
    )
    expect((await detailOf(store, id)).conversation?.state).toBe('needs_human')
  })

  it('stops answering after ten replies in an hour (auto-responder loops end)', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    for (let i = 0; i < 11; i++) await text(store, `how much is my cart? (${i})`)
    expect(await aiReplies(store, id)).toHaveLength(10)
    expect((await detailOf(store, id)).journal.at(-1)).toMatchObject({
      type: 'sms.received',
      reason: 'reply_cap',
    })
  })

  it('keeps texts for the merchant, unanswered, when the store turns the assistant off', async () => {
    const store = await assistantStore({ ai: { enabled: false } })
    const { id } = await cartWithPhone(store)
    await text(store, 'do you ship to Canada?')
    expect(await aiReplies(store, id)).toEqual([])
    const d = await detailOf(store, id)
    expect(d.conversation?.turns.map((t) => t.author)).toEqual(['shopper'])
    expect(d.journal.at(-1)).toMatchObject({ reason: 'assistant_off' })
  })
})

describe('opt-outs in plain words', () => {
  it('"stop texting me" suppresses the number, confirms once, and no reminder follows', async () => {
    const store = await assistantStore()
    const { id, stub } = await cartWithPhone(store)
    await text(store, 'Stop texting me')
    expect(await isSuppressed(env.DB, store.id, 'sms', PHONE)).toBe(true)
    const stop = await waitForRow<Sent>(
      "SELECT text FROM messages WHERE store_id = ? AND step_id = 'stop'",
      store.id,
    )
    expect(stop.text).toContain('unsubscribed')
    expect(await aiReplies(store, id)).toEqual([])
    expect((await detailOf(store, id)).journal.find((j) => j.type === 'sms.opt_out')).toMatchObject(
      { via: 'words' },
    )
    // The abandoned cart's text step is skipped.
    await age(stub, 61_000)
    await runInDurableObject(stub, (o: CartObject) => o.alarm())
    expect((await stub.snapshot())!.state.runs[0]).toMatchObject({
      status: 'skipped',
      reason: 'sms_suppressed',
    })
    // Anything but a keyword gets nothing now.
    await text(store, 'why?')
    expect(await aiReplies(store, id)).toEqual([])
    expect((await detailOf(store, id)).journal.at(-1)).toMatchObject({ reason: 'opted_out' })
    expect(await sentTexts(store, 'stop')).toHaveLength(1)
  })

  it('"no más" in Spanish too', async () => {
    const store = await assistantStore()
    await cartWithPhone(store)
    await text(store, 'No más, gracias')
    expect(await isSuppressed(env.DB, store.id, 'sms', PHONE)).toBe(true)
  })

  it('treats an unsure message as an opt-out when nothing can tell otherwise', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    await text(store, 'please remove this')
    expect(await isSuppressed(env.DB, store.id, 'sms', PHONE)).toBe(true)
    expect((await detailOf(store, id)).journal.find((j) => j.type === 'sms.opt_out')).toMatchObject(
      { via: 'doubt' },
    )
  })
})

describe('answers and quiet hours', () => {
  const nightCart = async (store: Store) => (await cartWithPhone(store, nightZone())).id
  const receive = async (store: Store, askedAgoMs: number) => {
    const ref = { storeId: store.id, channel: 'sms' as const, address: PHONE }
    const current = (await storeById(env.DB, store.id))!
    await contactOf(store).receive(
      ref,
      {
        sid: `SM${crypto.randomUUID().replace(/-/g, '')}`,
        body: 'do you ship to Canada?',
        at: Date.now() - askedAgoMs,
      },
      contactPolicy(current, 'https://cartback.test'),
    )
    await settle(store)
  }

  it('answers at night when the shopper wrote less than 15 minutes ago', async () => {
    const store = await assistantStore()
    const id = await nightCart(store)
    await receive(store, 60_000)
    expect(await aiReplies(store, id)).toHaveLength(1)
  })

  it('holds a later answer until morning at the shopper, then sends it', async () => {
    const store = await assistantStore()
    const id = await nightCart(store)
    await receive(store, 20 * 60_000)
    expect(await aiReplies(store, id)).toEqual([])
    const deferred = (await detailOf(store, id)).journal.find(
      (j) => j.type === 'sms.answer_deferred',
    )
    expect(deferred).toMatchObject({ model: 'local' })
    const until = Date.parse(String(deferred?.until))
    expect(until - Date.now()).toBeGreaterThan(4 * 3_600_000)
    // Morning comes.
    await runInDurableObject(contactOf(store), (_o, state) => {
      state.storage.sql.exec('UPDATE outgoing SET send_at = 0')
    })
    await runDurableObjectAlarm(contactOf(store)).catch(() => false)
    const replies = await aiReplies(store, id)
    expect(replies).toHaveLength(1)
    expect(replies[0]).toMatch(/^\(Automated reply\) We ship to the US and Canada/)
  })
})

describe('one confirmation', () => {
  it('confirms the first STOP only; a second STOP from an opted-out number gets nothing', async () => {
    const store = await assistantStore()
    await cartWithPhone(store)
    await text(store, 'STOP')
    await text(store, 'stop')
    await waitForRow("SELECT 1 FROM messages WHERE store_id = ? AND step_id = 'stop'", store.id)
    expect(await sentTexts(store, 'stop')).toHaveLength(1)
  })
})

describe('failures', () => {
  it('keeps a text whose handling failed, tries again a minute later, and answers once', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    const base = createAdapters(env)
    let calls = 0
    await runInDurableObject(contactOf(store), (o: ContactObject) => {
      Object.assign(o, {
        adapters: {
          ...base,
          sms: {
            ...base.sms,
            async send(...args: Parameters<typeof base.sms.send>) {
              calls++
              if (calls === 1) throw new Error('socket hang up')
              return base.sms.send(...args)
            },
          },
        },
      })
    })
    const res = await twilioInbound(store.id, 'do you ship to Canada?', PHONE)
    expect(res.status).toBe(200)
    // The first attempt.
    expect(await runDurableObjectAlarm(contactOf(store))).toBe(true)
    expect(calls).toBe(1)
    const after = await runInDurableObject(contactOf(store), async (_o, state) => ({
      pending: state.storage.sql
        .exec<{ n: number }>('SELECT COUNT(*) AS n FROM inbound WHERE pending = 1')
        .one().n,
      alarm: await state.storage.getAlarm(),
    }))
    expect(after.pending).toBe(1)
    expect((after.alarm ?? 0) - Date.now()).toBeGreaterThan(30_000)
    await settle(store)
    expect(await aiReplies(store, id)).toHaveLength(1)
    expect(calls).toBe(2)
  })
})

describe('giving up', () => {
  it('hands a text to a person after five failed attempts, and stops retrying it', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    const base = createAdapters(env)
    await runInDurableObject(contactOf(store), (o: ContactObject) => {
      Object.assign(o, {
        adapters: {
          ...base,
          sms: {
            ...base.sms,
            async send() {
              throw new Error('network down')
            },
          },
        },
      })
    })
    await twilioInbound(store.id, 'do you ship to Canada?', PHONE)
    for (let i = 0; i < 6; i++) await runDurableObjectAlarm(contactOf(store)).catch(() => false)
    const row = await runInDurableObject(contactOf(store), (_o, state) =>
      state.storage.sql
        .exec<{ pending: number; attempts: number }>('SELECT pending, attempts FROM inbound')
        .one(),
    )
    expect(row).toEqual({ pending: 0, attempts: 5 })
    const d = await detailOf(store, id)
    expect(d.conversation?.state).toBe('needs_human')
    expect(d.journal.find((j) => j.type === 'sms.handoff')).toMatchObject({
      reason: 'handling_failed',
      emailed: true,
    })
  })
})

describe('races and edges', () => {
  const ref = (store: Store) => ({ storeId: store.id, channel: 'sms' as const, address: PHONE })
  const policyOf = async (store: Store) =>
    contactPolicy((await storeById(env.DB, store.id))!, 'https://cartback.test')
  const sid = () => `SM${crypto.randomUUID().replace(/-/g, '')}`

  it('sends no answer to a question when STOP arrived before it was answered', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    const policy = await policyOf(store)
    const now = Date.now()
    await contactOf(store).receive(
      ref(store),
      { sid: sid(), body: 'do you ship?', at: now },
      policy,
    )
    await contactOf(store).receive(ref(store), { sid: sid(), body: 'STOP', at: now + 1 }, policy)
    await settle(store)
    expect(await aiReplies(store, id)).toEqual([])
    expect(await isSuppressed(env.DB, store.id, 'sms', PHONE)).toBe(true)
    await waitForRow("SELECT 1 FROM messages WHERE store_id = ? AND step_id = 'stop'", store.id)
  })

  it('takes a plain "yes" in a conversation as an answer, not as a subscription', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    await text(store, 'yes')
    expect(await aiReplies(store, id)).toHaveLength(1)
    expect((await detailOf(store, id)).journal.map((j) => j.type)).not.toContain('sms.opt_in')
  })

  it('drops a held answer the merchant already gave by hand', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store, nightZone())
    const policy = await policyOf(store)
    await contactOf(store).receive(
      ref(store),
      { sid: sid(), body: 'do you ship to Canada?', at: Date.now() - 20 * 60_000 },
      policy,
    )
    await settle(store)
    const manual = await api(`/carts/${store.id}/${id}/reply`, {
      method: 'POST',
      json: { text: 'Yes we do, Sam here.' },
    })
    expect(manual.status).toBe(200)
    await runInDurableObject(contactOf(store), (_o, state) => {
      state.storage.sql.exec('UPDATE outgoing SET send_at = 0')
    })
    await runDurableObjectAlarm(contactOf(store)).catch(() => false)
    expect(await aiReplies(store, id)).toEqual([])
    expect((await detailOf(store, id)).journal.at(-1)).toMatchObject({
      reason: 'answered_by_merchant',
    })
  })

  it("forgets a deleted cart's thread (the consent ledger stays)", async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    await text(store, 'do you ship to Canada?')
    expect((await contactOf(store).conversation(id)).turns).toHaveLength(2)
    const res = await api(`/carts/${store.id}/${id}/actions`, {
      method: 'POST',
      json: { action: 'delete' },
    })
    expect(res.status).toBe(200)
    expect((await contactOf(store).conversation(id)).turns).toEqual([])
    expect(await contactOf(store).ledger()).toHaveLength(1)
  })
})
