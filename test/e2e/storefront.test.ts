// The storefront script in a real browser (Debian's Chromium through playwright-core) against a
// running Worker: a page on its own origin loads /v1/cartback.js and uses window.Cartback.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CartbackApi, launchChromium, shot } from '../browser'
import { startWorker, until as until_, type Worker } from '../worker'

// The page's globals, for the callbacks that run in the browser (the DOM library is not
// loaded into this Worker-typed project).
declare const window: { Cartback?: CartbackApi; put?: string[] }

// A store's own `cartback:restore` listeners: one written before `rebuilt()` existed, and one
// that calls it (twice: a second call changes nothing).
const LISTENERS: Record<string, string> = {
  old: `addEventListener('cartback:restore', (e) => { window.put = e.detail.items.map((i) => i.id) })`,
  rebuilt: `addEventListener('cartback:restore', (e) => {
    window.put = e.detail.items.map((i) => i.id); e.detail.rebuilt(); e.detail.rebuilt() })`,
}

let worker: Worker
let shop: Server
let shopUrl: string
let browser: Browser
let store: { id: string; publishableKey: string }
let gpcStore: { id: string; publishableKey: string }
let popupStore: { id: string; publishableKey: string }

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
       <script>${LISTENERS[q.get('listen') ?? ''] ?? ''}</script>
       <script async src="${worker.url}/v1/cartback.js" data-store="${q.get('key')}"${q.has('gpc') ? ' data-respect-gpc' : ''}></script>
       </head><body><h1>Shop</h1><p id="below">Fresh coffee, roasted daily. <a id="more" href="#below">More</a></p>
       ${q.has('tall') ? '<div style="height:4000px"></div>' : ''}</body></html>`,
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
  const create = (name: string, settings: object) =>
    api<{ id: string; publishableKey: string }>('/stores', {
      method: 'POST',
      body: JSON.stringify({
        name,
        url: `${shopUrl}/`,
        currency: 'USD',
        allowedOrigins: [shopUrl],
        settings,
      }),
    })
  gpcStore = await create('Private Shop', { storefront: { respectGpc: true } })
  popupStore = await create('Popup Shop', {
    sender: { accentColor: '#0f766e' },
    storefront: { popup: { enabled: true, askEmail: true, everyDays: 3 } },
  })
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await new Promise((r) => shop?.close(r))
  await worker?.stop()
})

type Detail = {
  status: string
  items: { id: string }[]
  contact: { email?: string }
  total: number
}
type RestoreDetail = Detail & {
  restoredAt?: string
  journal: { type: string }[]
  restores: { step: string | null; at: string; repeats: number }[]
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

describe('cart identity and transport', () => {
  it('keeps the cart id in a first-party cookie where localStorage is blocked', async () => {
    const context = await browser.newContext()
    await context.addInitScript(() =>
      Object.defineProperty(window, 'localStorage', {
        get() {
          throw new Error('SecurityError: access denied')
        },
      }),
    )
    const page = await context.newPage()
    await page.goto(`${shopUrl}/?key=${store.publishableKey}`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    const id = await page.evaluate(() => window.Cartback!.id())
    const cookie = (await context.cookies()).find((c) => c.name === 'cartback_cart')
    expect(cookie?.value).toBe(id)
    await page.reload()
    await page.waitForFunction(() => window.Cartback !== undefined)
    expect(await page.evaluate(() => window.Cartback!.id())).toBe(id)
    await page.evaluate(() =>
      window.Cartback!.cart({ items: [{ id: 'c', name: 'Cookie Jar', price: 900, quantity: 1 }] }),
    )
    await until('the cart', async () =>
      (await api<Detail>(`/carts/${store.id}/${id}`)).items?.length ? true : undefined,
    )
    await context.close()
  })

  it('still sends the cart where localStorage and cookies both throw (issue 11)', async () => {
    const page = await browser.newPage()
    // As in a sandboxed frame or a locked-down embedded browser: every read and write refused.
    await page.addInitScript(`
      const refuse = () => { throw new DOMException('access denied', 'SecurityError') }
      Object.defineProperty(window, 'localStorage', { get: refuse })
      Object.defineProperty(Document.prototype, 'cookie', { get: refuse, set: refuse })`)
    await page.goto(`${shopUrl}/?key=${store.publishableKey}`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    expect(
      await page.evaluate('(() => { try { return document.cookie } catch { return null } })()'),
    ).toBeNull()
    const id = await page.evaluate(() => window.Cartback!.id())
    await page.evaluate(() =>
      window.Cartback!.cart({ items: [{ id: 'n', name: 'No Jar', price: 700, quantity: 1 }] }),
    )
    await until('the cart', async () =>
      (await api<Detail>(`/carts/${store.id}/${id}`)).items?.length ? true : undefined,
    )
    await page.close()
  })

  it('falls back to fetch with keepalive where sendBeacon is missing', async () => {
    const page = await browser.newPage()
    await page.addInitScript('delete Navigator.prototype.sendBeacon')
    const sent: string[] = []
    page.on('request', (r) => {
      if (r.url().includes('/v1/events')) sent.push(r.resourceType())
    })
    await page.goto(`${shopUrl}/?key=${store.publishableKey}`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    const id = await page.evaluate(() => window.Cartback!.id())
    await page.evaluate(() =>
      window.Cartback!.cart({ items: [{ id: 'f', name: 'Fetch Mug', price: 1300, quantity: 1 }] }),
    )
    await until('the cart', async () =>
      (await api<Detail>(`/carts/${store.id}/${id}`)).items?.length ? true : undefined,
    )
    expect(sent).toEqual(['fetch'])
    await page.close()
  })

  it('queues events while offline and sends them when the browser is back online', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${shopUrl}/?key=${store.publishableKey}`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    const id = await page.evaluate(() => window.Cartback!.id())
    await context.setOffline(true)
    await page.evaluate(() =>
      window.Cartback!.cart({
        items: [{ id: 'o', name: 'Offline Mug', price: 1200, quantity: 1 }],
      }),
    )
    await page.waitForTimeout(700)
    const queued = await page.evaluate(() => localStorage.getItem('cartback_queue'))
    expect(JSON.parse(queued ?? '[]')).toEqual([
      expect.objectContaining({ cart: id, type: 'cart', items: [expect.anything()] }),
    ])
    expect((await worker.api(`/carts/${store.id}/${id}`)).status).toBe(404)
    await context.setOffline(false)
    await until('the queued cart', async () =>
      (await api<Detail>(`/carts/${store.id}/${id}`)).items?.length ? true : undefined,
    )
    expect(await page.evaluate(() => localStorage.getItem('cartback_queue'))).toBe('[]')
    await context.close()
  })

  it('honours Global Privacy Control when the store settings say so', async () => {
    const page = await browser.newPage()
    await page.addInitScript(() =>
      Object.defineProperty(navigator, 'globalPrivacyControl', { value: true }),
    )
    const seen: string[] = []
    page.on('request', (r) => {
      if (r.url().includes('/v1/events')) seen.push(r.url())
    })
    await page.goto(`${shopUrl}/?key=${gpcStore.publishableKey}`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    await page.evaluate(() =>
      window.Cartback!.cart({ items: [{ id: 'x', name: 'X', price: 100, quantity: 1 }] }),
    )
    await page.waitForTimeout(800)
    expect(seen).toEqual([])
    // Nothing kept either: no cart id in storage or in a cookie.
    expect(await page.evaluate(() => localStorage.getItem('cartback_cart'))).toBeNull()
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain('cartback_cart')
    // The same shopper on a store that does not honour it is tracked as usual.
    await page.goto(`${shopUrl}/?key=${store.publishableKey}`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    await page.evaluate(() =>
      window.Cartback!.cart({ items: [{ id: 'x', name: 'X', price: 100, quantity: 1 }] }),
    )
    await expect.poll(() => seen.length, { timeout: 5000 }).toBeGreaterThan(0)
    await page.close()
  })
})

describe('the exit-intent popup', () => {
  type Root = { activeElement: { id: string } | null }
  const DISCLOSURE =
    'Text me reminders about my cart and offers from Popup Shop. Up to 3 msgs per cart; msg frequency varies. Msg & data rates may apply. Consent is not a condition of purchase. Reply STOP to cancel, HELP for help.'

  /** A shopper on the popup store with something in the cart, the popup script loaded. */
  async function shopper(page: Page, path = '') {
    await page.goto(`${shopUrl}/?key=${popupStore.publishableKey}${path}`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    await page.evaluate(() =>
      window.Cartback!.cart({
        items: [{ id: 'p', name: 'Pour-over Kettle', price: 4500, quantity: 1 }],
      }),
    )
    await page.waitForSelector('script[src*="/v1/cartback-popup.js?v="]', { state: 'attached' })
    await page.waitForTimeout(200)
    return page.evaluate(() => window.Cartback!.id())
  }
  const dialog = (page: Page) => page.getByRole('dialog', { name: 'Save your cart?' })
  const leaveThroughTheTop = async (page: Page) => {
    await page.mouse.move(400, 300)
    await page.mouse.move(400, 5, { steps: 5 })
    await page.mouse.move(400, -20)
  }

  it('asks for a phone number with the consent text as the pointer leaves through the top', async () => {
    const page = await browser.newPage()
    const id = await shopper(page)
    const before = await page.locator('#below').boundingBox()
    await leaveThroughTheTop(page)
    await dialog(page).waitFor()
    await page.screenshot({ path: shot('popup-desktop') })
    // Above the page, not in it: nothing on the page moved.
    expect(await page.locator('#below').boundingBox()).toEqual(before)
    // Labelled fields; focus starts on the phone number and stays in the dialog.
    const phone = page.getByLabel('Mobile number')
    expect(
      await phone.evaluate((el) => (el.getRootNode() as unknown as Root).activeElement?.id),
    ).toBe('cb-phone')
    for (let i = 0; i < 7; i++) await page.keyboard.press('Tab')
    // Still inside the dialog's shadow root (the page's body would have no shadow root).
    const focused = await page.evaluate('document.activeElement.shadowRoot?.activeElement?.tagName')
    expect(['BUTTON', 'INPUT']).toContain(focused)
    // The consent box is unchecked and required.
    await phone.fill('(415) 555-0166')
    await page.getByRole('button', { name: 'Text me my cart' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Tick the box')
    expect(await page.getByLabel(DISCLOSURE).getAttribute('aria-invalid')).toBe('true')
    await page.getByLabel(DISCLOSURE).check()
    await page.getByLabel('Email (optional)').fill('kettle@example.com')
    await page.getByRole('button', { name: 'Text me my cart' }).click()
    await expect.poll(() => dialog(page).textContent()).toContain('reply YES to confirm')
    const records = await until('the popup consent', async () => {
      const r = await api<{ records: { granted: boolean; text: string }[] }>(
        `/contacts/${popupStore.id}/consent?phone=%2B14155550166&format=json`,
      )
      return r.records.length ? r.records : undefined
    })
    expect(records[0]).toMatchObject({ granted: true, text: DISCLOSURE })
    const d = await api<Detail & { contact: { phone?: string } }>(`/carts/${popupStore.id}/${id}`)
    expect(d.contact).toMatchObject({ phone: '+14155550166', email: 'kettle@example.com' })
    await page.close()
  })

  it('closes on Escape, gives focus back, and waits the configured days before asking again', async () => {
    const page = await browser.newPage()
    await shopper(page)
    await page.locator('#more').focus()
    await leaveThroughTheTop(page)
    await dialog(page).waitFor()
    await page.keyboard.press('Escape')
    expect(await dialog(page).count()).toBe(0)
    expect(await page.evaluate('document.activeElement.id')).toBe('more')
    await page.reload()
    await shopper(page)
    await leaveThroughTheTop(page)
    await page.waitForTimeout(500)
    expect(await dialog(page).count()).toBe(0)
    // Three days later (the store's setting), it may ask again.
    await page.evaluate(() =>
      localStorage.setItem('cartback_popup', String(Date.now() - 3 * 86_400_000 - 1000)),
    )
    await leaveThroughTheTop(page)
    await dialog(page).waitFor()
    await page.close()
  })

  it('does not ask a shopper with an empty cart', async () => {
    const page = await browser.newPage()
    await page.goto(`${shopUrl}/?key=${popupStore.publishableKey}`)
    await page.waitForSelector('script[src*="/v1/cartback-popup.js"]', { state: 'attached' })
    await page.waitForTimeout(300)
    await leaveThroughTheTop(page)
    await page.waitForTimeout(500)
    expect(await dialog(page).count()).toBe(0)
    await page.close()
  })

  it('on a phone, opens after a fast scroll back up or when the shopper returns to the tab', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
    })
    const page = await context.newPage()
    await shopper(page, '&tall')
    await page.evaluate('window.scrollTo(0, 2000)')
    await page.waitForTimeout(500)
    await page.evaluate(`(async () => {
      for (const y of [1800, 1600, 1400, 1200]) {
        window.scrollTo(0, y)
        await new Promise((r) => requestAnimationFrame(r))
      }
    })()`)
    await dialog(page).waitFor()
    await page.screenshot({ path: shot('popup-phone') })
    await page.keyboard.press('Escape')
    // Another visit (the popup's days reset): the tab hidden and shown again.
    await page.evaluate(() => localStorage.removeItem('cartback_popup'))
    await page.reload()
    await shopper(page, '&tall')
    await page.evaluate(`for (const v of ['hidden', 'visible']) {
      Object.defineProperty(document, 'visibilityState', { value: v, configurable: true })
      document.dispatchEvent(new Event('visibilitychange'))
    }`)
    await dialog(page).waitFor()
    await context.close()
  })

  it('is not loaded at all for a store that leaves it off', async () => {
    const page = await browser.newPage()
    const loaded: string[] = []
    page.on('request', (r) => {
      if (r.url().includes('cartback-popup')) loaded.push(r.url())
    })
    await page.goto(`${shopUrl}/?key=${store.publishableKey}`)
    await page.waitForFunction(
      () => (window.Cartback as CartbackApi & { config?: object }).config !== undefined,
    )
    await page.waitForTimeout(300)
    expect(loaded).toEqual([])
    await page.close()
  })
})

describe('restore on a custom storefront', () => {
  it('is recorded only when the page calls rebuilt(), and once', async () => {
    const page = await browser.newPage()
    await page.goto(`${shopUrl}/?key=${store.publishableKey}`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    const id = await page.evaluate(() => window.Cartback!.id())
    await page.evaluate(() =>
      window.Cartback!.cart({
        items: [{ id: 'tee', name: 'Ocean Tee', price: 2400, quantity: 1 }],
        currency: 'USD',
      }),
    )
    await page.close()
    const { restoreUrl } = await until('the cart', async () => {
      const d = await api<Detail & { restoreUrl: string }>(`/carts/${store.id}/${id}`)
      return d.items?.length === 1 ? d : undefined
    })
    const hop = await fetch(restoreUrl, { redirect: 'manual' })
    const token = new URL(hop.headers.get('location')!).searchParams.get('cartback_restore')
    expect(token).toBeTruthy()

    /** Lands on the store's page with the link's token; what the page got and what it reported. */
    const land = async (listen: string) => {
      const p = await browser.newPage()
      const reports: string[] = []
      p.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes('/v1/restore/')) reports.push(r.url())
      })
      await p.goto(
        `${shopUrl}/?key=${store.publishableKey}&listen=${listen}&cartback_restore=${token}`,
      )
      await p.waitForFunction(() => window.put !== undefined)
      const put = await p.evaluate(() => window.put)
      await p.waitForLoadState('networkidle')
      await p.waitForTimeout(300)
      await p.close()
      return { put, reports }
    }
    const restoreEntries = (d: RestoreDetail) =>
      d.journal.filter((j) => j.type === 'cart.restored' || j.type === 'restore.rebuilt')

    // A listener that never says it rebuilt the cart: it gets the items, nothing is recorded.
    const old = await land('old')
    expect(old).toEqual({ put: ['tee'], reports: [] })
    const unrecorded = await api<RestoreDetail>(`/carts/${store.id}/${id}`)
    expect(unrecorded.restores).toEqual([])
    expect(restoreEntries(unrecorded)).toEqual([])

    // One that calls rebuilt() (twice): one report, one restore.
    const now = await land('rebuilt')
    expect(now.put).toEqual(['tee'])
    expect(now.reports).toHaveLength(1)
    const restored = await until('the restore', async () => {
      const d = await api<RestoreDetail>(`/carts/${store.id}/${id}`)
      return d.restores.length ? d : undefined
    })
    expect(restored.restores).toEqual([expect.objectContaining({ repeats: 0 })])
    expect(restoreEntries(restored)).toHaveLength(1)
  })
})

describe('the demo storefront (npm start)', () => {
  it('reports its cart through the real script and rebuilds it from a restore link', async () => {
    const demo = await api<{ id: string }>('/stores', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Demo Shop',
        url: `${worker.url}/demo`,
        currency: 'USD',
        allowedOrigins: [worker.url],
        settings: { inactivitySeconds: 4 },
      }),
    })
    const page = await browser.newPage()
    await page.goto(`${worker.url}/demo`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    await page.click('[data-add="tee-ocean"]')
    const id = await page.evaluate(() => window.Cartback!.id())
    await expect.poll(() => page.locator('#cart-id').textContent()).toBe(id)
    const { restoreUrl } = await until('the demo cart', async () => {
      const d = await api<Detail & { restoreUrl: string }>(`/carts/${demo.id}/${id}`)
      return d.items?.[0]?.id === 'tee-ocean' ? d : undefined
    })
    await page.screenshot({ path: shot('demo-shop'), fullPage: true })
    await page.close()
    const abandoned = await until('the abandoned demo cart', async () => {
      const d = await api<RestoreDetail>(`/carts/${demo.id}/${id}`)
      return d.status === 'abandoned' ? d : undefined
    })

    // A mail scanner opens the link (GET and HEAD) and the page it leads to, without running
    // the page's script: nothing is recorded.
    for (const method of ['GET', 'HEAD', 'GET']) {
      const hop = await fetch(restoreUrl, { method, redirect: 'manual' })
      expect(hop.status).toBe(302)
      await (await fetch(hop.headers.get('location')!)).text()
    }
    const scanned = await api<RestoreDetail>(`/carts/${demo.id}/${id}`)
    expect(scanned.status).toBe('abandoned')
    expect(scanned.restoredAt).toBeUndefined()
    expect(scanned.journal).toHaveLength(abandoned.journal.length)

    // Another browser: the restore link brings the same cart back into the demo shop's cart,
    // and that rebuild is the restore.
    const other = await browser.newPage()
    await other.goto(restoreUrl)
    await expect.poll(() => other.locator('#notice').textContent()).toContain('Welcome back!')
    expect(await other.locator('#lines').textContent()).toContain('1 × Ocean Tee')
    expect(await other.evaluate(() => window.Cartback!.id())).toBe(id)
    expect(other.url()).toBe(`${worker.url}/demo`)
    const restored = await until('the restore', async () => {
      const d = await api<RestoreDetail>(`/carts/${demo.id}/${id}`)
      return d.restores.length ? d : undefined
    })
    expect(restored.status).toBe('restored')
    const restoredEntries = (d: RestoreDetail) =>
      d.journal.filter((j) => j.type === 'cart.restored')
    expect(restoredEntries(restored)).toHaveLength(1)
    await other.close()

    // The same link again, in a third browser page: the cart is rebuilt, nothing more is recorded.
    const third = await browser.newPage()
    await third.goto(restoreUrl)
    await expect.poll(() => third.locator('#notice').textContent()).toContain('Welcome back!')
    const repeated = await until('the repeat counted', async () => {
      const d = await api<RestoreDetail>(`/carts/${demo.id}/${id}`)
      return d.restores[0]?.repeats === 1 ? d : undefined
    })
    expect(repeated.restoredAt).toBe(restored.restoredAt)
    expect(restoredEntries(repeated)).toHaveLength(1)
    await third.close()
  })
})
