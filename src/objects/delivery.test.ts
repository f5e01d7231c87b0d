import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { abandon, age, beacon, cartId, ITEMS } from '#test/carts'
import { api, call, createStore, waitForRow } from '#test/helpers'
import { middayZone } from '#test/zones'
import { createAdapters } from '../adapters'
import type { CouponIssuer } from '../adapters/coupons/types'
import type { EmailSender } from '../adapters/email/types'
import type { SmsSender } from '../adapters/sms/types'
import { signLinkToken } from '../lib/restore-token'
import { open, seal } from '../lib/secret-box'
import type { CartObject } from './cart-object'
import { cartStub, contactStub } from './stubs'

const SECRET = 'test-signing-secret-0123456789abcdef'
/** `{ consumerKey: ck_legacy…, consumerSecret: cs_legacy… }` sealed by the first secret-box format. */
const V1_BOX =
  'v1.LHmk8vxYvFGK8OroswPWHDP0X2_qGnngu8QWMtHXQCWyvqT34EGFEpqezxyxsU4zDkyoGa2c4RjM7745NuNVQMXW1fBUDTnn_9-DIqkq0iWHiTAkWKYb4vBmd9bHZEGI4lY288NxtoM'

// A UK mobile with a browser zone where it is midday now: quiet hours never hold these tests
// back, whatever time the suite runs (US quiet hours are covered with a fixed clock in policy).
const PHONE = '+447911123456'
const MIDDAY = middayZone()
const DISCLOSURE = 'Text me cart reminders. Reply STOP to opt out.'

/** A store whose sequence starts right at abandonment: an email, then a text. */
async function storeWithSequence(extra: Record<string, unknown> = {}) {
  return createStore({
    settings: {
      inactivitySeconds: 60,
      attributionWindowSeconds: 7 * 86_400,
      sender: {
        fromEmail: 'shop@acme.example',
        fromName: 'Acme',
        postalAddress: '1 Market St, San Francisco, CA',
      },
      sms: { doubleOptIn: false },
      sequence: [
        {
          id: 'email-now',
          channel: 'email',
          delaySeconds: 0,
          windowSeconds: 86_400,
          template: {
            subject: 'Your {{storeName}} cart',
            heading: 'Hi {{firstName}}',
            body: 'Total {{total}}',
            buttonLabel: 'Return',
          },
        },
        {
          id: 'sms-now',
          channel: 'sms',
          delaySeconds: 0,
          windowSeconds: 86_400,
          template: { body: '{{storeName}}: finish here {{restoreUrl}}' },
        },
      ],
      ...extra,
    },
  })
}

async function abandonedCart(
  contact: Record<string, string> = { email: 'ada@example.com', firstName: 'Ada' },
  consent = false,
  settings: Record<string, unknown> = {},
) {
  const store = await storeWithSequence(settings)
  const id = cartId()
  await beacon({
    store: store.publishableKey,
    cart: id,
    type: 'contact',
    items: ITEMS,
    contact,
    ...(consent ? { consent: { sms: true, text: DISCLOSURE } } : {}),
    ...(contact.phone ? { contact: { ...contact, timezone: MIDDAY } } : {}),
  })
  const stub = cartStub(env.CART, { storeId: store.id, cartId: id })
  return { store, id, stub }
}

const stateOf = async (stub: DurableObjectStub<CartObject>) => (await stub.snapshot())!.state
const outboxOf = (stub: DurableObjectStub<CartObject>) =>
  runInDurableObject(stub, (_o, s) =>
    s.storage.sql
      .exec<{ id: string; state: string; attempts: number; last_error: string | null }>(
        "SELECT id, state, attempts, last_error FROM outbox WHERE kind = 'message'",
      )
      .toArray(),
  )

type Patch = { email?: EmailSender; sms?: SmsSender; coupons?: CouponIssuer }

/** Replaces the provider adapters inside the object, as the network they stand for. */
async function useAdapters(stub: DurableObjectStub<CartObject>, patch: Patch) {
  await runInDurableObject(stub, (o: CartObject) => {
    Object.assign(o, { adapters: { ...createAdapters(env), ...patch } })
  })
}

/** Abandons the cart through its alarm with these providers in place (after the restart `age` causes). */
async function abandonWith(stub: DurableObjectStub<CartObject>, patch: Patch) {
  await age(stub, 61_000)
  await useAdapters(stub, patch)
  await runDurableObjectAlarm(stub).catch(() => false)
}

describe('sequence delivery', () => {
  it('sends the email step at abandonment and records it, rendered, in the dev outbox', async () => {
    const { store, id, stub } = await abandonedCart()
    await abandon(stub)
    // The text step, due at the same time, is decided by the next alarm (set for now).
    await runInDurableObject(stub, (o: CartObject) => o.alarm())
    const s = await stateOf(stub)
    expect(s.runs.map((r) => [r.id, r.status, r.reason])).toEqual([
      ['email-now', 'sent', null],
      ['sms-now', 'skipped', 'no_phone'],
    ])
    const row = await waitForRow<{ subject: string; provider: string; html: string; to: string }>(
      'SELECT subject, provider, html, "to" FROM messages WHERE store_id = ? AND cart_id = ?',
      store.id,
      id,
    )
    expect(row).toMatchObject({
      subject: `Your ${store.name} cart`,
      provider: 'outbox',
      to: 'ada@example.com',
    })
    expect(row.html).toContain('Hi Ada')
    expect(row.html).toContain('/r/')
    const listed = (await (await api(`/messages?store=${store.id}&cart=${id}`)).json()) as {
      messages: { step: string; provider: string; subject: string }[]
    }
    expect(listed.messages).toMatchObject([
      { step: 'email-now', provider: 'outbox', subject: `Your ${store.name} cart` },
    ])
  })

  it('texts with a short link and the opt-out footer when the shopper consented', async () => {
    const { store, id, stub } = await abandonedCart({ phone: PHONE }, true)
    await abandon(stub)
    const row = await waitForRow<{ text: string }>(
      'SELECT text FROM messages WHERE cart_id = ? AND channel = ?',
      id,
      'sms',
    )
    expect(row.text).toMatch(
      new RegExp(
        `^${store.name}: finish here https://cartback\\.test/s/[0-9A-Za-z]{10}\\nReply STOP to opt out$`,
      ),
    )
    const code = /\/s\/([0-9A-Za-z]{10})/.exec(row.text)![1]
    const link = await env.DB.prepare('SELECT cart_id FROM short_links WHERE code = ?')
      .bind(code)
      .first()
    expect(link).toEqual({ cart_id: id })
  })

  it('never sends twice when the alarm fires again', async () => {
    const { id, stub } = await abandonedCart()
    await abandon(stub)
    await runInDurableObject(stub, (o: CartObject) => o.alarm())
    await runInDurableObject(stub, (o: CartObject) => o.alarm())
    expect(await outboxOf(stub)).toEqual([expect.objectContaining({ state: 'sent' })])
    await waitForRow('SELECT 1 FROM messages WHERE cart_id = ?', id)
    const count = await env.DB.prepare('SELECT COUNT(*) AS n FROM messages WHERE cart_id = ?')
      .bind(id)
      .first<{ n: number }>()
    expect(count?.n).toBe(1)
  })

  it('retries a retryable provider error with back-off, then sends once', async () => {
    const { stub } = await abandonedCart()
    const calls: string[] = []
    let fail = 2
    await abandonWith(stub, {
      email: {
        provider: 'resend',
        idempotent: true,
        async send(_m, { idempotencyKey }) {
          calls.push(idempotencyKey)
          if (fail-- > 0)
            return { ok: false, retryable: true, code: 'rate_limit_exceeded', message: 'slow down' }
          return { ok: true, providerId: 're_123' }
        },
      },
    })
    expect(await outboxOf(stub)).toEqual([
      expect.objectContaining({ state: 'pending', attempts: 1, last_error: 'rate_limit_exceeded' }),
    ])
    for (let i = 0; i < 2; i++) {
      await runInDurableObject(stub, (_o, s) =>
        s.storage.sql.exec("UPDATE outbox SET next_at = 0 WHERE kind = 'message'"),
      )
      await runDurableObjectAlarm(stub)
    }
    expect(calls).toHaveLength(3)
    expect(new Set(calls).size).toBe(1)
    expect((await stateOf(stub)).runs[0]).toMatchObject({ status: 'sent' })
  })

  it('fails the step with the reason after a permanent error and moves on', async () => {
    const { stub } = await abandonedCart()
    await abandonWith(stub, {
      email: {
        provider: 'resend',
        idempotent: true,
        send: async () => ({
          ok: false,
          retryable: false,
          code: 'validation_error',
          message: 'bad to',
        }),
      },
    })
    const snap = (await stub.snapshot())!
    expect(snap.state.runs[0]).toMatchObject({ status: 'failed', reason: 'validation_error' })
    expect(snap.journal.map((j) => j.type)).toContain('message.failed')
  })

  it('gives up after five retryable failures and journals why', async () => {
    const { stub } = await abandonedCart()
    await abandonWith(stub, {
      email: {
        provider: 'resend',
        idempotent: true,
        send: async () => ({ ok: false, retryable: true, code: 'http_503', message: 'down' }),
      },
    })
    for (let i = 0; i < 6; i++) {
      await runInDurableObject(stub, (_o, s) =>
        s.storage.sql.exec(
          "UPDATE outbox SET next_at = 0 WHERE kind = 'message' AND state = 'pending'",
        ),
      )
      await runInDurableObject(stub, (o: CartObject) => o.alarm())
    }
    expect(await outboxOf(stub)).toEqual([
      expect.objectContaining({ state: 'failed', attempts: 4, last_error: 'http_503' }),
    ])
    expect((await stateOf(stub)).runs[0]).toMatchObject({ status: 'failed', reason: 'http_503' })
  })

  it('resends, under the same key, a send cut off by a crash when the provider drops repeats', async () => {
    const { stub } = await abandonedCart()
    const keys: string[] = []
    await abandonWith(stub, {
      email: {
        provider: 'resend',
        idempotent: true,
        async send(_m, { idempotencyKey }) {
          keys.push(idempotencyKey)
          if (keys.length === 1) throw new Error('isolate died mid-send')
          return { ok: true, providerId: 're_1' }
        },
      },
    })
    // Cut off during the call: marked `calling`, and Resend drops the repeat of its key.
    expect(await outboxOf(stub)).toEqual([expect.objectContaining({ state: 'calling' })])
    await runInDurableObject(stub, (_o, s) =>
      s.storage.sql.exec("UPDATE outbox SET next_at = 0 WHERE kind = 'message'"),
    )
    await runInDurableObject(stub, (o: CartObject) => o.alarm())
    expect(keys).toHaveLength(2)
    expect(keys[0]).toBe(keys[1])
    expect((await stateOf(stub)).runs[0]).toMatchObject({ status: 'sent' })
  })

  it('never resends a text whose outcome is unknown after a restart (Twilio has no idempotency key)', async () => {
    const { store, id, stub } = await abandonedCart({ phone: PHONE }, true, {
      sms: { doubleOptIn: false, fromNumber: '+14155550000' },
    })
    let sent = 0
    const twilioLike: SmsSender = {
      provider: 'twilio',
      idempotent: false,
      async send() {
        sent++
        throw new Error('connection reset after the request went out')
      },
    }
    await abandonWith(stub, { sms: twilioLike })
    expect(sent).toBe(1)
    await age(stub, 0)
    await useAdapters(stub, { sms: twilioLike })
    await runInDurableObject(stub, (_o, s) =>
      s.storage.sql.exec("UPDATE outbox SET next_at = 0 WHERE kind = 'message'"),
    )
    await runInDurableObject(stub, (o: CartObject) => o.alarm())
    expect(sent).toBe(1)
    const run = (await stateOf(stub)).runs.find((r) => r.id === 'sms-now')
    expect(run).toMatchObject({ status: 'failed', reason: 'outcome_unknown' })
    // Twilio may have sent it: listed as unknown (written before the call), for its status
    // callback to settle, and counted toward the contact's daily cap.
    const row = await env.DB.prepare('SELECT id, status, provider FROM messages WHERE cart_id = ?')
      .bind(id)
      .first()
    expect(row).toEqual({ id: run?.messageId, status: 'unknown', provider: 'twilio' })
    const ref = { storeId: store.id, channel: 'sms' as const, address: PHONE }
    expect((await contactStub(env.CONTACT, ref).facts(ref)).recentTexts).toHaveLength(1)
  })

  it('skips the email step, with the reason, when the store has no sender address', async () => {
    const store = await createStore({
      settings: {
        inactivitySeconds: 60,
        sequence: [
          {
            id: 'e',
            channel: 'email',
            delaySeconds: 0,
            windowSeconds: 3600,
            template: { subject: 's', heading: 'h', body: 'b', buttonLabel: 'go' },
          },
        ],
      },
    })
    const id = cartId()
    await beacon({
      store: store.publishableKey,
      cart: id,
      type: 'contact',
      items: ITEMS,
      contact: { email: 'ada@example.com' },
    })
    const stub = cartStub(env.CART, { storeId: store.id, cartId: id })
    await abandon(stub)
    expect((await stateOf(stub)).runs[0]).toMatchObject({
      status: 'skipped',
      reason: 'no_sender_address',
    })
  })

  it('credits a recovered order to the message that led to it, and stats break it down', async () => {
    const { store, id, stub } = await abandonedCart()
    await abandon(stub)
    await beacon({
      store: store.publishableKey,
      cart: id,
      type: 'order',
      order: { id: 'o-42', total: 6400 },
    })
    expect((await stateOf(stub)).attribution).toEqual({
      step: 'email-now',
      channel: 'email',
      via: 'send',
    })
    const s = await stateOf(stub)
    await waitForRow('SELECT 1 FROM carts WHERE cart_id = ? AND revision = ?', id, s.revision)
    const stats = (await (await api(`/stats?store=${store.id}`)).json()) as {
      recovered: Record<string, unknown>
    }
    expect(stats.recovered).toEqual({
      count: 1,
      revenue: { USD: 6400 },
      byChannel: { email: { count: 1, revenue: { USD: 6400 } } },
      byStep: { 'email-now': { channel: 'email', count: 1, revenue: { USD: 6400 } } },
    })
  })

  describe('incentives', () => {
    const incentiveStep = {
      id: 'email-offer',
      channel: 'email',
      delaySeconds: 0,
      windowSeconds: 86_400,
      incentive: { kind: 'percent', amount: 15, validForSeconds: 3 * 86_400 },
      template: {
        subject: '{{incentive}} at {{storeName}}',
        heading: 'Use {{incentiveCode}}',
        body: 'It is applied when you return.',
        buttonLabel: 'Claim it',
      },
    }

    async function offerCart(withKeys: boolean) {
      const store = await storeWithSequence({ sequence: [incentiveStep] })
      if (withKeys) {
        const res = await api(`/stores/${store.id}`, {
          method: 'PATCH',
          json: {
            woocommerceApi: {
              consumerKey: 'ck_1234567890abcdef',
              consumerSecret: 'cs_1234567890abcdef',
            },
          },
        })
        const saved = (await res.json()) as Record<string, unknown>
        expect(saved.woocommerceApiConfigured).toBe(true)
        expect(JSON.stringify(saved)).not.toContain('cs_1234567890abcdef')
      }
      const id = cartId()
      await beacon({
        store: store.publishableKey,
        cart: id,
        type: 'contact',
        items: ITEMS,
        contact: { email: 'ada@example.com' },
      })
      return { store, id, stub: cartStub(env.CART, { storeId: store.id, cartId: id }) }
    }

    it('skips the step, with the reason, when the store has no WooCommerce keys', async () => {
      const { stub } = await offerCart(false)
      await abandon(stub)
      expect((await stateOf(stub)).runs[0]).toMatchObject({
        status: 'skipped',
        reason: 'incentive_unavailable',
      })
    })

    it('creates one coupon, shows it in the email and applies it on restore', async () => {
      const { store, id, stub } = await offerCart(true)
      const made: {
        shop: { url: string; consumerKey: string }
        code: string
        amount: string
        expiresAt: number
        coupon: object
      }[] = []
      let failOnce = true
      await abandonWith(stub, {
        coupons: {
          async create(shop, coupon) {
            made.push({
              shop,
              code: coupon.code,
              amount: coupon.amount,
              expiresAt: coupon.expiresAt,
              coupon,
            })
            if (failOnce) {
              failOnce = false
              return { ok: false, retryable: true, code: 'http_503', message: 'busy' }
            }
            return { ok: true, code: coupon.code, created: true }
          },
        },
      })
      await runInDurableObject(stub, (_o, s) =>
        s.storage.sql.exec("UPDATE outbox SET next_at = 0 WHERE kind = 'message'"),
      )
      await runInDurableObject(stub, (o: CartObject) => o.alarm())
      expect(made).toHaveLength(2)
      expect(made[0]!.code).toBe(made[1]!.code)
      // Valid for the step's three days, and nothing about the shopper goes to the shop.
      const validFor = made[1]!.expiresAt - Date.now()
      expect(validFor).toBeGreaterThan(3 * 86_400_000 - 5 * 60_000)
      expect(validFor).toBeLessThanOrEqual(3 * 86_400_000)
      expect(JSON.stringify(made[1]!.coupon)).not.toContain('ada@example.com')
      expect(made[1]).toMatchObject({
        amount: '15',
        shop: { url: `${store.url}`, consumerKey: 'ck_1234567890abcdef' },
      })
      const code = made[0]!.code
      expect(code).toMatch(/^CB-[A-Z2-9]{8}$/)
      const run = (await stateOf(stub)).runs[0]!
      expect(run).toMatchObject({ status: 'sent', coupon: code })
      const email = await waitForRow<{ subject: string; html: string }>(
        'SELECT subject, html FROM messages WHERE cart_id = ?',
        id,
      )
      expect(email.subject).toBe(`15% off at ${store.name}`)
      expect(email.html).toContain(code)
      const token = await signLinkToken('test-signing-secret-0123456789abcdef', 'restore', {
        storeId: store.id,
        cartId: id,
        step: 'email-offer',
        exp: Math.floor(Date.now() / 1000) + 3600,
      })
      const restored = (await (await call(`/v1/restore/${token}`)).json()) as { incentive: unknown }
      expect(restored.incentive).toEqual({ code })
    })

    const recordShops = (made: { consumerKey: string }[]): Patch => ({
      coupons: {
        async create(shop, coupon) {
          made.push({ consumerKey: shop.consumerKey })
          return { ok: true, code: coupon.code, created: true }
        },
      },
    })
    const setBox = (storeId: string, box: string) =>
      env.DB.prepare('UPDATE stores SET woocommerce_api = ? WHERE id = ?').bind(box, storeId).run()

    it('skips the step, saying why, when the keys were sealed under another SIGNING_SECRET', async () => {
      const { store, stub } = await offerCart(true)
      const keys = '{"consumerKey":"ck_1234567890abcdef","consumerSecret":"cs_1234567890abcdef"}'
      await setBox(store.id, await seal('a-previous-signing-secret-0123456789', store.id, keys))
      const made: { consumerKey: string }[] = []
      await abandonWith(stub, recordShops(made))
      expect(made).toEqual([])
      expect((await stateOf(stub)).runs[0]).toMatchObject({
        status: 'skipped',
        reason: 'incentive_keys_unreadable',
      })
    })

    it('uses keys sealed in the old format, and seals them again bound to the store', async () => {
      const { store, stub } = await offerCart(false)
      await setBox(store.id, V1_BOX)
      const made: { consumerKey: string }[] = []
      await abandonWith(stub, recordShops(made))
      expect(made).toEqual([{ consumerKey: 'ck_legacy0123456789' }])
      const row = await env.DB.prepare('SELECT woocommerce_api AS box FROM stores WHERE id = ?')
        .bind(store.id)
        .first<{ box: string }>()
      expect(row?.box).toMatch(/^v2\./)
      expect(await open(SECRET, store.id, row!.box)).toMatchObject({ legacy: false })
    })

    it('skips the step when the shop refuses the coupon', async () => {
      const { stub } = await offerCart(true)
      await abandonWith(stub, {
        coupons: {
          create: async () => ({
            ok: false,
            retryable: false,
            code: 'woocommerce_rest_cannot_create',
            message: 'no',
          }),
        },
      })
      expect((await stateOf(stub)).runs[0]).toMatchObject({
        status: 'skipped',
        reason: 'incentive_failed:woocommerce_rest_cannot_create',
      })
    })
  })

  describe('guards at send time', () => {
    it('drops a retry waiting in the outbox once the cart is ordered', async () => {
      const { store, id, stub } = await abandonedCart()
      let calls = 0
      await abandonWith(stub, {
        email: {
          provider: 'resend',
          idempotent: true,
          async send() {
            calls++
            return { ok: false, retryable: true, code: 'rate_limit_exceeded', message: 'slow down' }
          },
        },
      })
      expect(calls).toBe(1)
      await beacon({
        store: store.publishableKey,
        cart: id,
        type: 'order',
        order: { id: 'o-1', total: 6400 },
      })
      await runInDurableObject(stub, (_o, s) =>
        s.storage.sql.exec("UPDATE outbox SET next_at = 0 WHERE kind = 'message'"),
      )
      await runInDurableObject(stub, (o: CartObject) => o.alarm())
      expect(calls).toBe(1)
      expect(await outboxOf(stub)).toEqual([
        expect.objectContaining({ state: 'failed', last_error: 'cancelled' }),
      ])
      expect((await stateOf(stub)).runs[0]).toMatchObject({
        status: 'cancelled',
        reason: 'ordered',
      })
    })

    it('settles a run whose send finished just before a crash', async () => {
      const { stub } = await abandonedCart()
      await abandonWith(stub, {
        email: {
          provider: 'resend',
          idempotent: true,
          send: async () => ({ ok: false, retryable: true, code: 'http_503', message: 'x' }),
        },
      })
      // As if the row had been marked sent and the object died before the cart heard of it.
      await runInDurableObject(stub, (_o, s) =>
        s.storage.sql.exec("UPDATE outbox SET state = 'sent', next_at = 0 WHERE kind = 'message'"),
      )
      await runInDurableObject(stub, (o: CartObject) => o.alarm())
      expect((await stateOf(stub)).runs[0]).toMatchObject({
        status: 'sent',
        messageId: expect.stringMatching(/^msg_/),
      })
    })
  })
})
