// Two-way SMS end to end against `wrangler dev` (the bundle with the AI SDK included): a signed
// inbound text gets `<Response/>` at once and an answer in the dev outbox; STOP suppresses the
// number, is confirmed, and the abandoned cart's reminder never goes.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, shot } from '../browser'
import { startWorker, textFromShopper, until, type Worker } from '../worker'
import { middayZone } from '../zones'

const SHOP = 'https://shop.example'
const PHONE = '+447911123456'
const OTHER_PHONE = '+447911123457'
let worker: Worker
let store: { id: string; publishableKey: string }

const api = async <T>(path: string, init: RequestInit = {}) =>
  (await worker.api<T>(path, init)).body

const inbound = (body: string) => textFromShopper(worker, store.id, PHONE, body)

type Msg = { channel: string; step: string; text: string; provider: string; to: string }
const messages = async (cart: string) =>
  (await api<{ messages: Msg[] }>(`/messages?store=${store.id}&cart=${cart}`)).messages

beforeAll(async () => {
  worker = await startWorker()
  store = await api('/stores', {
    method: 'POST',
    body: JSON.stringify({
      name: 'Harbor Goods',
      url: `${SHOP}/`,
      currency: 'USD',
      allowedOrigins: [SHOP],
      settings: {
        inactivitySeconds: 6,
        sms: { doubleOptIn: false },
        knowledgeBase: { shipping: 'We ship to Canada in 5-8 business days.' },
        sequence: [
          {
            id: 'sms-reminder',
            channel: 'sms',
            delaySeconds: 0,
            windowSeconds: 3600,
            template: { body: '{{storeName}}: your cart is saved {{restoreUrl}}' },
          },
        ],
      },
    }),
  })
})

afterAll(async () => {
  await worker?.stop()
})

describe('two-way SMS through a running Worker', () => {
  it('answers a text, and after STOP confirms once and sends no reminder', async () => {
    const cart = randomBytes(16).toString('base64url')
    const beacon = await fetch(`${worker.url}/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Origin: SHOP },
      body: JSON.stringify({
        store: store.publishableKey,
        cart,
        type: 'contact',
        items: [{ id: 'tee', name: 'Ocean Tee', price: 2400, quantity: 1 }],
        contact: { phone: PHONE, timezone: middayZone() },
        consent: { sms: true, text: 'Text me about my cart. Reply STOP to opt out.' },
      }),
    })
    expect(beacon.status).toBe(202)

    const started = Date.now()
    const res = await inbound('do you ship to Canada?')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/)
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>')
    const answer = await until('the answer in the outbox', async () =>
      (await messages(cart)).find((m) => m.step === 'ai'),
    )
    expect(answer).toMatchObject({ channel: 'sms', provider: 'outbox', to: PHONE })
    expect(answer.text).toContain('We ship to Canada in 5-8 business days.')
    expect(Date.now() - started).toBeLessThan(10_000)

    expect((await inbound('STOP')).status).toBe(200)
    const stop = await until('the confirmation', async () =>
      (await messages(cart)).find((m) => m.step === 'stop'),
    )
    expect(stop.text).toContain('unsubscribed')
    // Abandoned six seconds after the last activity: the reminder is skipped, never sent.
    const detail = await until('the skipped reminder', async () => {
      const d = await api<{ sequence: { step: string; status: string; reason?: string }[] }>(
        `/carts/${store.id}/${cart}`,
      )
      return d.sequence.find((s) => s.step === 'sms-reminder' && s.status !== 'pending')
    })
    expect(detail).toMatchObject({ status: 'skipped', reason: 'sms_suppressed' })
    expect((await messages(cart)).filter((m) => m.step === 'sms-reminder')).toEqual([])
  })

  it('lets a developer reply as the shopper from the dev outbox, in a browser', async () => {
    const cart = randomBytes(16).toString('base64url')
    await fetch(`${worker.url}/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Origin: SHOP },
      body: JSON.stringify({
        store: store.publishableKey,
        cart,
        type: 'contact',
        items: [{ id: 'mug', name: 'Sunrise Mug', price: 1600, quantity: 1 }],
        contact: { phone: OTHER_PHONE, timezone: middayZone() },
        consent: { sms: true, text: 'Text me about my cart. Reply STOP to opt out.' },
      }),
    })
    // A first text to that phone, so the outbox has a conversation to answer.
    await until('the reminder', async () =>
      (await messages(cart)).find((m) => m.step === 'sms-reminder'),
    )
    const browser = await launchChromium()
    try {
      const page = await browser.newPage()
      await page.goto(`${worker.url}/demo/outbox`)
      const form = page.locator('form.reply').first()
      await form.getByLabel('Reply as the shopper').fill('how much is my cart?')
      await form.getByRole('button', { name: 'Send' }).click()
      await page.waitForURL(`${worker.url}/demo/outbox`)
      const answer = await until('the answer', async () =>
        (await messages(cart)).find((m) => m.step === 'ai'),
      )
      expect(answer.text).toContain('$16.00')
      await page.reload()
      await expect.poll(() => page.locator('.bubble').first().textContent()).toContain('$16.00')
      await page.screenshot({ path: shot('dev-outbox'), fullPage: true })
    } finally {
      await browser.close()
    }
  })

  it('takes no dev-outbox reply posted from another site', async () => {
    const before = (await api<{ messages: Msg[] }>(`/messages?store=${store.id}`)).messages.length
    for (const origin of ['https://evil.example', undefined]) {
      const res = await fetch(`${worker.url}/demo/reply`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          ...(origin ? { Origin: origin } : {}),
        },
        body: new URLSearchParams({ store: store.id, phone: OTHER_PHONE, text: 'STOP' }),
      })
      expect(res.status).toBe(403)
    }
    await new Promise((r) => setTimeout(r, 1000))
    const after = (await api<{ messages: Msg[] }>(`/messages?store=${store.id}`)).messages
    expect(after.length).toBe(before)
    expect(
      after.filter((m) => m.to === OTHER_PHONE && /unsubscribed|opted out/i.test(m.text)),
    ).toEqual([])
  })

  it('refuses a text with a bad signature', async () => {
    const res = await fetch(`${worker.url}/webhooks/twilio/${store.id}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': 'bm90IGEgc2lnbmF0dXJl',
      },
      body: new URLSearchParams({ MessageSid: `SM${'0'.repeat(32)}`, From: PHONE, Body: 'STOP' }),
    })
    expect(res.status).toBe(401)
  })
})
