// End to end over real HTTP against `wrangler dev`: real Durable Object alarms, real D1 with
// the real migrations, the real Queue consumer. The webhook is signed with node:crypto.
import { createHmac, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWorker, until as until_, type Worker } from '../worker'
import { middayZone } from '../zones'

const SHOP = 'https://shop.example'
let worker: Worker

beforeAll(async () => {
  worker = await startWorker()
})

afterAll(async () => {
  await worker?.stop()
})

const api = <T>(path: string, init: RequestInit = {}) => worker.api<T>(path, init)

const beacon = (body: object) =>
  fetch(`${worker.url}/v1/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: SHOP },
    body: JSON.stringify(body),
  })

const until = <T>(what: string, probe: () => Promise<T | undefined>) =>
  until_(what, probe, 30_000, worker.output().slice(-3000))

type Detail = {
  status: string
  lastActivityAt: string
  abandonedAt?: string
  abandonDueAt?: string
  restoreUrl: string
  total: number
  contact: Record<string, string>
  consent: { channel: string; text: string }[]
  journal: { type: string }[]
}

describe('cart lifecycle over real HTTP', () => {
  it('beacon → contact → abandoned at the timeout → restore → signed order → recovered in stats', async () => {
    const created = await api<{
      id: string
      publishableKey: string
      woocommerceWebhookSecret: string
    }>('/stores', {
      method: 'POST',
      body: JSON.stringify({
        name: 'E2E Shop',
        url: `${SHOP}/`,
        currency: 'USD',
        allowedOrigins: [SHOP],
        settings: { inactivitySeconds: 2, attributionWindowSeconds: 3600 },
      }),
    })
    expect(created.status).toBe(201)
    const store = created.body
    const cart = randomBytes(16).toString('base64url')
    const items = [
      { id: 'tee', name: 'Ocean Tee', price: 2400, quantity: 2 },
      { id: 'mug', name: 'Sunrise Mug', price: 1650, quantity: 1 },
    ]

    expect(
      (await beacon({ store: store.publishableKey, cart, type: 'cart', items, currency: 'USD' }))
        .status,
    ).toBe(202)
    const disclosure = 'Text me cart reminders. Msg & data rates may apply. Reply STOP to opt out.'
    const contact = await beacon({
      store: store.publishableKey,
      cart,
      type: 'contact',
      contact: { email: 'Shopper@Example.com', phone: '(415) 555-2671', firstName: 'Ada' },
      consent: { sms: true, text: disclosure },
      page: `${SHOP}/checkout`,
    })
    expect(contact.status).toBe(202)

    // The object's own alarm abandons the cart at the inactivity timeout: the deadline is kept,
    // and `abandonedAt` is when the alarm noticed it (at or after it).
    const abandoned = await until('abandonment', async () => {
      const { body } = await api<Detail>(`/carts/${store.id}/${cart}`)
      return body.status === 'abandoned' ? body : undefined
    })
    expect(Date.parse(abandoned.abandonDueAt!) - Date.parse(abandoned.lastActivityAt)).toBe(2000)
    const late = Date.parse(abandoned.abandonedAt!) - Date.parse(abandoned.abandonDueAt!)
    expect(late).toBeGreaterThanOrEqual(0)
    expect(late).toBeLessThan(2000)
    expect(abandoned.contact).toMatchObject({ email: 'shopper@example.com', phone: '+14155552671' })
    expect(abandoned.consent).toMatchObject([{ channel: 'sms', text: disclosure }])

    // The shopper clicks the signed restore link; the link alone records nothing.
    const click = await fetch(abandoned.restoreUrl, { redirect: 'manual' })
    expect(click.status).toBe(302)
    const landing = new URL(click.headers.get('location')!)
    expect(landing.origin).toBe(SHOP)
    const token = landing.searchParams.get('cartback_restore')!
    const rebuilt = await fetch(`${worker.url}/v1/restore/${token}`, { headers: { Origin: SHOP } })
    expect(rebuilt.headers.get('access-control-allow-origin')).toBe(SHOP)
    expect(((await rebuilt.json()) as { items: unknown }).items).toEqual(items)
    expect((await api<Detail>(`/carts/${store.id}/${cart}`)).body.status).toBe('abandoned')
    // The storefront script reports that it rebuilt the cart: that is the restore.
    const report = await fetch(`${worker.url}/v1/restore/${token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Origin: SHOP },
      body: '{}',
    })
    expect(await report.json()).toEqual({ ok: true, recorded: true, status: 'restored' })
    expect((await api<Detail>(`/carts/${store.id}/${cart}`)).body.status).toBe('restored')

    // WooCommerce reports the paid order, signed as WooCommerce signs it.
    const order = JSON.stringify({
      id: 9001,
      status: 'processing',
      currency: 'USD',
      total: '71.95',
      date_created_gmt: new Date().toISOString().slice(0, 19),
      billing: { email: 'shopper@example.com' },
      meta_data: [{ id: 1, key: '_cartback_cart', value: cart }],
    })
    const hook = await fetch(`${worker.url}/webhooks/woocommerce/${store.id}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-WC-Webhook-Topic': 'order.created',
        'X-WC-Webhook-Signature': createHmac('sha256', store.woocommerceWebhookSecret)
          .update(order)
          .digest('base64'),
      },
      body: order,
    })
    expect(hook.status).toBe(200)
    expect(await hook.json()).toEqual({ ok: true, matched: true, cart, status: 'recovered' })

    // The Queue consumer projects it into D1, where the stats read it.
    const stats = await until('recovered revenue in stats', async () => {
      const { body } = await api<{
        recovered: { count: number; revenue: Record<string, number> }
        carts: { abandoned: number }
      }>(`/stats?store=${store.id}`)
      return body.recovered.count === 1 ? body : undefined
    })
    expect(stats.recovered.revenue).toEqual({ USD: 7195 })
    expect(stats.carts.abandoned).toBe(1)
    const detail = (await api<Detail>(`/carts/${store.id}/${cart}`)).body
    expect(detail.status).toBe('recovered')
    expect(detail.journal.map((j) => j.type)).toEqual(
      expect.arrayContaining(['cart.abandoned', 'cart.restored', 'order.placed', 'cart.recovered']),
    )
    const list = await api<{
      carts: { cartId: string; status: string; recoveredRevenue: number }[]
    }>(`/carts?store=${store.id}&status=recovered`)
    expect(list.body.carts).toMatchObject([
      { cartId: cart, status: 'recovered', recoveredRevenue: 7195 },
    ])
  })

  it('abandonment → the sequence renders an email and a text into the dev outbox', async () => {
    const midday = middayZone()
    const created = await api<{ id: string; publishableKey: string; name: string }>('/stores', {
      method: 'POST',
      body: JSON.stringify({
        name: 'E2E Outfitters',
        url: `${SHOP}/`,
        currency: 'USD',
        allowedOrigins: [SHOP],
        settings: {
          inactivitySeconds: 2,
          sender: {
            fromEmail: 'shop@outfitters.example',
            fromName: 'Outfitters',
            postalAddress: '1 Market St, San Francisco, CA 94105',
          },
          sms: { doubleOptIn: false },
          sequence: [
            {
              id: 'email-now',
              channel: 'email',
              delaySeconds: 0,
              windowSeconds: 3600,
              template: {
                subject: 'Still thinking, {{firstName}}?',
                heading: 'Your cart is saved',
                body: 'Total: {{total}}',
                buttonLabel: 'Back to my cart',
              },
            },
            {
              id: 'sms-now',
              channel: 'sms',
              delaySeconds: 0,
              windowSeconds: 3600,
              template: { body: '{{storeName}}: your cart is saved {{restoreUrl}}' },
            },
          ],
        },
      }),
    })
    expect(created.status).toBe(201)
    const store = created.body
    const cart = randomBytes(16).toString('base64url')
    await beacon({
      store: store.publishableKey,
      cart,
      type: 'contact',
      items: [{ id: 'tee', name: 'Ocean Tee', price: 2400, quantity: 1 }],
      contact: {
        email: 'grace@example.com',
        phone: '+447911123456',
        firstName: 'Grace',
        timezone: midday,
      },
      consent: { sms: true, text: 'Text me about my cart. Reply STOP to opt out.' },
    })

    type Msg = {
      channel: string
      provider: string
      subject?: string
      html?: string
      text: string
      to: string
    }
    const sent = await until('both messages in the outbox', async () => {
      const { body } = await api<{ messages: Msg[] }>(`/messages?store=${store.id}&cart=${cart}`)
      return body.messages.length === 2 ? body.messages : undefined
    })
    const email = sent.find((m) => m.channel === 'email')!
    const text = sent.find((m) => m.channel === 'sms')!
    expect(email).toMatchObject({
      provider: 'outbox',
      to: 'grace@example.com',
      subject: 'Still thinking, Grace?',
    })
    expect(email.html).toContain('Ocean Tee')
    expect(email.html).toContain('1 Market St, San Francisco, CA 94105')
    expect(text).toMatchObject({ provider: 'outbox', to: '+447911123456' })
    expect(text.text).toMatch(
      /^E2E Outfitters: your cart is saved http:\/\/127\.0\.0\.1:\d+\/s\/[0-9A-Za-z]{10}\nReply STOP to opt out$/,
    )

    // The text's short link leads through the signed restore link to the store.
    const short = /(http:\S+\/s\/[0-9A-Za-z]{10})/.exec(text.text)![1]!
    const hop = await fetch(short, { redirect: 'manual' })
    expect(hop.status).toBe(302)
    const click = await fetch(new URL(hop.headers.get('location')!, short), { redirect: 'manual' })
    expect(click.status).toBe(302)
    expect(click.headers.get('location')).toMatch(/^https:\/\/shop\.example\/\?cartback_restore=/)
    // The store's page rebuilds the cart and reports it: the restore, credited to the text.
    const token = new URL(click.headers.get('location')!).searchParams.get('cartback_restore')!
    const report = await fetch(`${worker.url}/v1/restore/${token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Origin: SHOP },
      body: '{}',
    })
    expect(report.status).toBe(200)
    const detail = (
      await api<Detail & { sequence: { step: string; status: string }[] }>(
        `/carts/${store.id}/${cart}`,
      )
    ).body
    expect(detail.sequence).toEqual([
      expect.objectContaining({ step: 'email-now', status: 'sent' }),
      expect.objectContaining({ step: 'sms-now', status: 'sent' }),
    ])
    expect(detail.journal).toContainEqual(
      expect.objectContaining({ type: 'cart.restored', step: 'sms-now' }),
    )
  })

  it('said once, at startup, that both channels go to the dev outbox (no provider keys)', () => {
    // By now the Worker and its objects have served beacons, alarms, sends and the API.
    const out = worker.output()
    expect(out.match(/email goes to the dev outbox: RESEND_API_KEY is not set/g)).toHaveLength(1)
    expect(out.match(/texts go to the dev outbox/g)).toHaveLength(1)
  })
})
