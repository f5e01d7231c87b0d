// The storefront script in a real browser (Debian's Chromium through playwright-core) against a
// running Worker: a page on its own origin loads /v1/cartback.js and uses window.Cartback.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeWooStore } from '../fakes/woo-store'
import { startWorker, until as until_, type Worker } from '../worker'

// The page's globals, for the callbacks that run in the browser (the DOM library is not
// loaded into this Worker-typed project).
type CartbackApi = {
  v: string
  id(): string
  cart(d: object): void
  contact(d: object): void
  order(d: object): void
}
declare const window: { Cartback?: CartbackApi }

let worker: Worker
let shop: Server
let shopUrl: string
let browser: Browser
let store: { id: string; publishableKey: string }
let woo: Awaited<ReturnType<typeof fakeWooStore>>
let wooStore: { id: string; publishableKey: string }

const api = async <T>(path: string, init: RequestInit = {}): Promise<T> =>
  (await worker.api<T>(path, init)).body
const until = <T>(what: string, probe: () => Promise<T | undefined>) => until_(what, probe, 20_000)

beforeAll(async () => {
  worker = await startWorker()
  shop = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams
    res.writeHead(200, { 'Content-Type': 'text/html' })
    res.end(
      `<!doctype html><html><head><title>Shop</title>
       <script async src="${worker.url}/v1/cartback.js" data-store="${q.get('key')}"${q.has('gpc') ? ' data-respect-gpc' : ''}></script>
       </head><body><h1>Shop</h1></body></html>`,
    )
  })
  await new Promise<void>((r) => shop.listen(0, '127.0.0.1', r))
  shopUrl = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`
  store = await api('/stores', {
    method: 'POST',
    body: JSON.stringify({
      name: 'Browser Shop',
      url: `${shopUrl}/`,
      currency: 'USD',
      allowedOrigins: [shopUrl],
    }),
  })
  woo = await fakeWooStore({
    scriptUrl: `${worker.url}/v1/cartback.js`,
    storeKey: () => wooStore.publishableKey,
  })
  wooStore = await api('/stores', {
    method: 'POST',
    body: JSON.stringify({
      name: 'Woo Shop',
      url: `${woo.url}/`,
      currency: 'USD',
      allowedOrigins: [woo.url],
    }),
  })
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
})

afterAll(async () => {
  await browser?.close()
  await woo?.close()
  await new Promise((r) => shop?.close(r))
  await worker?.stop()
})

type Detail = {
  status: string
  items: { id: string }[]
  contact: { email?: string }
  total: number
}

describe('cartback.js in a browser', () => {
  it('keeps a first-party cart id and beacons the cart and the contact', async () => {
    const page = await browser.newPage()
    // The same watch the "sends nothing" tests rely on: it does see the script's beacons.
    const beacons: string[] = []
    page.on('request', (r) => {
      if (r.url().includes('/v1/events')) beacons.push(r.method())
    })
    await page.goto(`${shopUrl}/?key=${store.publishableKey}`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    const id = await page.evaluate(() => window.Cartback!.id())
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    await page.evaluate(() => {
      window.Cartback!.cart({
        items: [{ id: 'tee', name: 'Ocean Tee', price: 2400, quantity: 2 }],
        currency: 'USD',
      })
      window.Cartback!.contact({ contact: { email: 'Browser.Shopper@Example.com' } })
    })
    const detail = await until('the cart with its contact', async () => {
      const d = await api<Detail>(`/carts/${store.id}/${id}`)
      return d.items?.length === 1 && d.contact?.email ? d : undefined
    })
    expect(beacons.length).toBeGreaterThan(0)
    expect(detail).toMatchObject({
      status: 'active',
      total: 4800,
      contact: { email: 'browser.shopper@example.com' },
    })
    // The id survives a reload: it is kept first-party.
    await page.reload()
    await page.waitForFunction(() => window.Cartback !== undefined)
    expect(await page.evaluate(() => window.Cartback!.id())).toBe(id)
    await page.close()
  })

  it('reports the order and starts a new cart id', async () => {
    const page = await browser.newPage()
    await page.goto(`${shopUrl}/?key=${store.publishableKey}`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    const id = await page.evaluate(() => window.Cartback!.id())
    await page.evaluate(() =>
      window.Cartback!.cart({ items: [{ id: 'mug', name: 'Mug', price: 1600, quantity: 1 }] }),
    )
    await until('the cart', async () =>
      (await api<Detail>(`/carts/${store.id}/${id}`)).items?.length ? true : undefined,
    )
    const next = await page.evaluate(() => {
      window.Cartback!.order({ order: { id: `o-${Date.now()}`, total: 1600 } })
      return window.Cartback!.id()
    })
    expect(next).not.toBe(id)
    const ordered = await until('the order', async () => {
      const d = await api<Detail>(`/carts/${store.id}/${id}`)
      return d.status === 'converted' ? d : undefined
    })
    expect(ordered.status).toBe('converted')
    await page.close()
  })

  it('sends nothing for a shopper with Global Privacy Control when the store honours it', async () => {
    const page = await browser.newPage()
    await page.addInitScript(() =>
      Object.defineProperty(navigator, 'globalPrivacyControl', { value: true }),
    )
    const seen: string[] = []
    page.on('request', (r) => {
      if (r.url().includes('/v1/events')) seen.push(r.url())
    })
    await page.goto(`${shopUrl}/?key=${store.publishableKey}&gpc`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    await page.evaluate(() =>
      window.Cartback!.cart({ items: [{ id: 'x', name: 'X', price: 100, quantity: 1 }] }),
    )
    await page.waitForTimeout(800)
    expect(seen).toEqual([])
    await page.close()
  })
})

describe('WooCommerce capture in a browser', () => {
  it('creates no cart for a visitor who never adds anything', async () => {
    const page = await browser.newPage()
    const beacons: string[] = []
    page.on('request', (r) => {
      if (r.url().includes('/v1/events')) beacons.push(r.url())
    })
    // A fresh visitor on a store whose cart is empty.
    woo.lines.length = 0
    await page.goto(`${woo.url}/blocks`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    await page.waitForTimeout(800)
    expect(beacons).toEqual([])
    await page.close()
  })

  type WooDetail = Detail & {
    items: { id: string; name: string; price: number; quantity: number; image?: string }[]
    contact: Record<string, string>
    order: { id: string } | null
  }
  const detailOf = (id: string) => api<WooDetail>(`/carts/${wooStore.id}/${id}`)

  it('reads the cart from the Store API after a classic add-to-cart and sends billing fields', async () => {
    const page = await browser.newPage()
    await page.goto(`${woo.url}/classic`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    const id = await page.evaluate(() => window.Cartback!.id())
    await page.click('#add')
    await page.fill('#billing_email', 'Classic@Example.com')
    await page.fill('#billing_phone', '(415) 555-2671')
    await page.fill('#billing_first_name', 'Ada')
    await page.click('body')
    const d = await until('the classic cart and contact', async () => {
      const x = await detailOf(id)
      return x.items?.length && x.contact?.phone && x.contact?.firstName ? x : undefined
    })
    expect(d.items[0]).toMatchObject({
      id: '11',
      name: 'Ocean Tee',
      price: 2400,
      quantity: 1,
      image: expect.stringContaining('/img/11.png'),
    })
    expect(d.contact).toMatchObject({
      email: 'classic@example.com',
      phone: '+14155552671',
      firstName: 'Ada',
    })
    await page.close()
  })

  it('follows a Blocks add-to-cart and the Blocks checkout fields', async () => {
    const page = await browser.newPage()
    await page.goto(`${woo.url}/blocks`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    const id = await page.evaluate(() => window.Cartback!.id())
    await page.click('#add')
    await page.fill('#email', 'blocks@example.com')
    await page.fill('#billing-first_name', 'Grace')
    await page.click('body')
    const d = await until('the blocks cart and contact', async () => {
      const x = await detailOf(id)
      return x.items?.some((i) => i.id === '12') && x.contact?.firstName === 'Grace' ? x : undefined
    })
    expect(d.contact.email).toBe('blocks@example.com')
    await page.close()
  })

  it('reports the order from the order-received page and starts a new cart', async () => {
    const page = await browser.newPage()
    await page.goto(`${woo.url}/blocks`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    const id = await page.evaluate(() => window.Cartback!.id())
    await page.click('#add')
    await until('the cart', async () => ((await detailOf(id)).items?.length ? true : undefined))
    await page.goto(`${woo.url}/checkout/order-received/4242/`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    expect(await page.evaluate(() => window.Cartback!.id())).not.toBe(id)
    const d = await until('the order', async () => {
      const x = await detailOf(id)
      return x.order ? x : undefined
    })
    expect(d.order?.id).toBe('4242')
    await page.close()
  })
})
