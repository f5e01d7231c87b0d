// Outbound webhooks end to end (issue 16): `wrangler dev` started as `npm start` starts it, a
// merchant's receiver on loopback that verifies every delivery with the `standardwebhooks`
// package, failures and a hang, and a `kill -9` of the Worker while events wait for a retry.
import { randomBytes } from 'node:crypto'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataProblem, EVENT_TYPES } from '../../src/domain/webhook/events'
import { launchChromium, shot } from '../browser'
import { webhookReceiver } from '../fakes/webhook-receiver'
import { startWorker, until as until_, type Worker } from '../worker'

const SHOP = 'https://shop.example'
let worker: Worker
let receiver: Awaited<ReturnType<typeof webhookReceiver>>

beforeAll(async () => {
  receiver = await webhookReceiver()
  worker = await startWorker()
})

afterAll(async () => {
  await worker?.stop()
  await receiver?.close()
})

const until = <T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000) =>
  until_(what, probe, ms, worker.output().slice(-3000))

type Body = {
  id: string
  type: string
  timestamp: string
  storeId: string
  data: Record<string, unknown>
}

const STORE = {
  name: 'Webhook Shop',
  url: `${SHOP}/`,
  currency: 'USD',
  allowedOrigins: [SHOP],
  settings: {
    inactivitySeconds: 2,
    attributionWindowSeconds: 3600,
    sender: { fromEmail: 'shop@acme.example', postalAddress: '1 Market St, San Francisco, CA' },
    sequence: [
      {
        id: 'e1',
        channel: 'email',
        delaySeconds: 0,
        windowSeconds: 3600,
        template: {
          subject: 'Your cart',
          heading: 'Still thinking?',
          body: 'Your cart waits.',
          buttonLabel: 'Back to my cart',
        },
      },
    ],
  },
}

describe('signed webhooks over real HTTP', () => {
  it('delivers every event verified, each acknowledged once and in order per cart, through failures, a hang and a kill -9', async () => {
    const store = (
      await worker.api<{ id: string; publishableKey: string }>('/stores', {
        method: 'POST',
        body: JSON.stringify(STORE),
      })
    ).body
    const created = await worker.api<{ id: string; secret: string; events: string[] }>(
      `/stores/${store.id}/webhooks`,
      {
        method: 'POST',
        body: JSON.stringify({
          url: `${receiver.url}/hook/main`,
          events: [...EVENT_TYPES],
          includeContact: true,
          description: 'CRM',
        }),
      },
    )
    expect(created.status).toBe(201)
    expect(created.body.secret).toMatch(/^whsec_/)
    const hook = receiver.hook('main')
    hook.secret = created.body.secret
    hook.script = [
      { status: 500, body: 'db down' },
      { hang: true },
      { status: 500 },
      { status: 503 },
    ]

    const carts = [0, 1, 2].map(() => randomBytes(16).toString('base64url'))
    for (const [i, cart] of carts.entries()) {
      const res = await fetch(`${worker.url}/v1/events`, {
        method: 'POST',
        headers: {
          'Content-Type': 'text/plain;charset=UTF-8',
          Origin: SHOP,
          'CF-Connecting-IP': `10.0.0.${i + 1}`,
        },
        body: JSON.stringify({
          store: store.publishableKey,
          cart,
          type: 'contact',
          items: [{ id: 'tee', name: 'Ocean Tee', price: 2400, quantity: 1 }],
          currency: 'USD',
          contact: { email: `shopper${i}@example.com`, firstName: 'Ada' },
        }),
      })
      expect(res.status).toBe(202)
    }

    // The first delivery failed; the Worker dies while the retries wait.
    await until('a first delivery', async () => (hook.got.length > 0 ? true : undefined))
    await worker.crashAndRestart()

    const parsed = () => hook.got.map((g) => ({ ...g, event: JSON.parse(g.body) as Body }))
    const acked = () =>
      parsed().filter((g) => g.answered !== null && g.answered >= 200 && g.answered < 300)
    await until(
      'six events acknowledged',
      async () => (acked().length >= 6 ? true : undefined),
      120_000,
    )
    // Nothing more arrives for them once acknowledged.
    await new Promise((r) => setTimeout(r, 2000))

    const all = parsed()
    expect(
      all.every((g) => g.verified === true),
      JSON.stringify(all.filter((g) => !g.verified)),
    ).toBe(true)
    // The receiver failed twice with a status and once by hanging (an attempt given up at 10 s,
    // or cut off by the kill), then recovered.
    expect(
      all.filter((g) => g.answered !== null && g.answered >= 500).length,
    ).toBeGreaterThanOrEqual(3)
    expect(all.some((g) => g.answered === null)).toBe(true)
    const ok = acked()
    const ids = ok.map((g) => g.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ok).toHaveLength(6)
    for (const g of all) {
      expect(g.id).toBe(g.event.id)
      expect(g.event.storeId).toBe(store.id)
      expect(dataProblem(g.event)).toBeNull()
    }
    for (const [i, cart] of carts.entries()) {
      const mine = all.filter((g) => g.event.data.cartId === cart)
      const firstAck = mine.findIndex((g) => g.answered === 200)
      // In order per cart: nothing of a cart is sent before its earlier event was acknowledged.
      expect(mine[firstAck]?.event.type).toBe('cart.abandoned')
      expect(mine.slice(0, firstAck).every((g) => g.event.type === 'cart.abandoned')).toBe(true)
      expect(mine.filter((g) => g.answered === 200).map((g) => g.event.type)).toEqual([
        'cart.abandoned',
        'message.sent',
      ])
      expect(mine[0]?.event.data.contact).toMatchObject({ email: `shopper${i}@example.com` })
    }

    // The delivery log shows the failures, each with its status and the receiver's first bytes.
    const log = await worker.api<{
      attempts: { status: number | null; ok: boolean; response: string }[]
    }>(`/stores/${store.id}/webhooks/${created.body.id}/attempts?limit=200`)
    expect(log.body.attempts.filter((a) => a.ok)).toHaveLength(6)
    expect(log.body.attempts.some((a) => a.status === 500 && a.response === 'db down')).toBe(true)

    // Replay what was missed: everything since before the carts, same ids, signed afresh.
    const since = new Date(Date.now() - 10 * 60_000).toISOString()
    const replay = await worker.api<{ queued: number }>(
      `/stores/${store.id}/webhooks/${created.body.id}/redeliver`,
      {
        method: 'POST',
        body: JSON.stringify({ since }),
      },
    )
    expect(replay).toMatchObject({ status: 202, body: { queued: 6 } })
    await until('the replay', async () => (acked().length >= 12 ? true : undefined))
    expect(
      new Set(
        acked()
          .slice(6)
          .map((g) => g.id),
      ),
    ).toEqual(new Set(ids))
    expect(hook.got.every((g) => g.verified)).toBe(true)
  }, 240_000)

  it('lets the merchant add an endpoint, see its secret once, send a test event and read the log in the dashboard', async () => {
    const browser = await launchChromium()
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
      const store = (
        await worker.api<{ id: string }>('/stores', {
          method: 'POST',
          body: JSON.stringify({ ...STORE, name: 'Dashboard Shop' }),
        })
      ).body
      await logIn(page)
      await page.goto(`${worker.url}/settings?store=${store.id}`)
      await page.getByRole('link', { name: 'Webhooks →' }).click()
      await page.waitForURL(/\/settings\/webhooks/)
      await page.getByLabel('URL').fill(`${receiver.url}/hook/dashboard`)
      await page.getByLabel('Description').fill('Help desk')
      await page.getByLabel('cart.lost').uncheck()
      await page.getByRole('button', { name: 'Add endpoint' }).click()
      const secret = (await page.locator('#new-secret').textContent()) ?? ''
      expect(secret).toMatch(/^whsec_/)
      receiver.hook('dashboard').secret = secret
      const card = page.locator('article.endpoint', { hasText: '/hook/dashboard' })
      expect(await card.textContent()).toContain('Help desk')
      const listed = await worker.api<{ webhooks: { url: string; events: string[] }[] }>(
        `/stores/${store.id}/webhooks`,
      )
      expect(listed.body.webhooks[0]?.events).toEqual(EVENT_TYPES.filter((t) => t !== 'cart.lost'))
      await card.getByRole('button', { name: 'Send test event' }).click()
      expect(await page.locator('.notice').first().textContent()).toMatch(
        /Test event delivered: 200/,
      )
      expect(receiver.hook('dashboard').got.map((g) => g.verified)).toEqual([true])
      const row = page
        .locator('article.endpoint', { hasText: '/hook/dashboard' })
        .locator('table.attempts tbody tr')
      expect(await row.first().textContent()).toContain('webhook.test')
      await page.screenshot({ path: shot('webhooks'), fullPage: true })
      // Shown once: the page again has no secret.
      await page.goto(`${worker.url}/settings/webhooks?store=${store.id}`)
      expect(await page.locator('#new-secret').count()).toBe(0)
      await page.setViewportSize({ width: 390, height: 844 })
      await page.screenshot({ path: shot('webhooks-narrow'), fullPage: true })
      const bad = page.locator('form#new-endpoint')
      await bad.getByLabel('URL').fill('http://hooks.example.com/x')
      await bad.getByRole('button', { name: 'Add endpoint' }).click()
      expect(await page.getByRole('alert').textContent()).toMatch(/https/)
    } finally {
      await browser.close()
    }
  }, 120_000)
})

async function logIn(page: Page) {
  await page.goto(`${worker.url}/login`)
  await page.getByLabel('Email').fill(worker.owner.email)
  await page.getByLabel('Password').fill(worker.owner.password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.waitForURL(`${worker.url}/`)
}
