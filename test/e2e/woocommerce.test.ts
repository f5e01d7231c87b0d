// WooCommerce in a real browser: the storefront script on a fake WooCommerce store (classic and
// Blocks markup, the Store API with its nonces, the REST API for coupons, signed order webhooks)
// against a running Worker, from the first add-to-cart to the recovered order.
import { randomBytes } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CartbackApi, launchChromium, shot } from '../browser'
import { fakeWooStore } from '../fakes/woo-store'
import { startWorker, until as until_, type Worker } from '../worker'

declare const window: { Cartback?: CartbackApi }
declare function fetch(
  url: string,
  init?: { method: string },
): Promise<{ json(): Promise<unknown> }>

type Store = { id: string; publishableKey: string; woocommerceWebhookSecret: string; name: string }
type Detail = {
  status: string
  items: { id: string; name: string; price: number; quantity: number; image?: string }[]
  contact: Record<string, string>
  order: { id: string } | null
  total: number
  restoreUrl: string
  journal: { type: string; step?: string | null }[]
  restores: { step: string | null; repeats: number }[]
}
type WooCart = {
  items: { id: number; quantity: number }[]
  coupons: { code: string }[]
  totals: { total_discount: string }
}

let worker: Worker
let browser: Browser
let woo: Awaited<ReturnType<typeof fakeWooStore>>
let shop: Store
let ownConsentShop: Store
let key: () => string

const api = async <T>(path: string, init: RequestInit = {}): Promise<T> =>
  (await worker.api<T>(path, init)).body
const until = <T>(what: string, probe: () => Promise<T | undefined>) => until_(what, probe, 30_000)
const detailOf = (s: Store, id: string) => api<Detail>(`/carts/${s.id}/${id}`)
const consentOf = (s: Store, phone: string) =>
  api<{ records: { granted: boolean; text: string; page: string | null; source: string }[] }>(
    `/contacts/${s.id}/consent?phone=${encodeURIComponent(phone)}&format=json`,
  )

async function open(path: string): Promise<Page> {
  const page = await browser.newPage()
  await page.goto(`${woo.url}${path}`)
  await page.waitForFunction(() => window.Cartback !== undefined)
  return page
}

beforeAll(async () => {
  worker = await startWorker()
  woo = await fakeWooStore({
    scriptUrl: `${worker.url}/v1/cartback.js`,
    storeKey: () => key(),
    consumer: { key: 'ck_fakeshop1234', secret: 'cs_fakeshop1234' },
    webhook: () => ({
      url: `${worker.url}/webhooks/woocommerce/${shop.id}`,
      secret: shop.woocommerceWebhookSecret,
    }),
  })
  const create = (name: string, settings: object) =>
    api<Store>('/stores', {
      method: 'POST',
      body: JSON.stringify({
        name,
        url: `${woo.url}/`,
        currency: 'USD',
        allowedOrigins: [woo.url],
        settings,
      }),
    })
  shop = await create('Harbor Goods', {
    inactivitySeconds: 2,
    sender: { fromEmail: 'shop@harbor.example', postalAddress: '1 Pier Rd, Portland, ME 04101' },
    sequence: [
      {
        id: 'email-offer',
        channel: 'email',
        delaySeconds: 0,
        windowSeconds: 3600,
        incentive: { kind: 'percent', amount: 10, validForSeconds: 86_400 },
        template: {
          subject: '{{incentive}} your cart',
          heading: 'Your cart is saved',
          body: 'Use code {{incentiveCode}}.',
          buttonLabel: 'Back to my cart',
        },
      },
    ],
  })
  await api(`/stores/${shop.id}`, {
    method: 'PATCH',
    body: JSON.stringify({
      woocommerceApi: { consumerKey: 'ck_fakeshop1234', consumerSecret: 'cs_fakeshop1234' },
    }),
  })
  ownConsentShop = await create('Own Consent Co', { storefront: { consentCheckbox: false } })
  key = () => shop.publishableKey
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await woo?.close()
  await worker?.stop()
})

describe('WooCommerce capture', () => {
  it('creates no cart for a visitor who never adds anything', async () => {
    const beacons: string[] = []
    const page = await browser.newPage()
    page.on('request', (r) => {
      if (r.url().includes('/v1/events')) beacons.push(r.url())
    })
    await page.goto(`${woo.url}/blocks`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    await page.waitForTimeout(800)
    expect(beacons).toEqual([])
    await page.close()
  })

  it('reads the cart from the Store API after a classic add-to-cart and sends billing fields', async () => {
    const page = await open('/classic')
    const id = await page.evaluate(() => window.Cartback!.id())
    await page.click('#add')
    await page.fill('#billing_email', 'Classic@Example.com')
    await page.fill('#billing_phone', '(415) 555-2671')
    await page.fill('#billing_first_name', 'Ada')
    await page.click('h1')
    const d = await until('the classic cart and contact', async () => {
      const x = await detailOf(shop, id)
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
    // No box ticked: no consent recorded for the number.
    expect((await consentOf(shop, '+14155552671')).records).toEqual([])
    await page.close()
  })

  it('follows a Blocks add-to-cart and the Blocks checkout fields', async () => {
    const page = await open('/blocks')
    const id = await page.evaluate(() => window.Cartback!.id())
    await page.click('#add')
    await page.fill('#email', 'blocks@example.com')
    await page.fill('#billing-first_name', 'Grace')
    await page.click('h1')
    const d = await until('the blocks cart and contact', async () => {
      const x = await detailOf(shop, id)
      return x.items?.some((i) => i.id === '12') && x.contact?.firstName === 'Grace' ? x : undefined
    })
    expect(d.contact.email).toBe('blocks@example.com')
    // A quantity change in the Blocks cart raises no DOM event; the data store shows it.
    await page.click('#more')
    await until('the new quantity', async () => {
      const x = await detailOf(shop, id)
      return x.items?.[0]?.quantity === 2 ? x : undefined
    })
    // Removing the item empties the cart (which stops any sequence).
    await page.click('#remove')
    await until('the emptied cart', async () => {
      const x = await detailOf(shop, id)
      return x.items.length === 0 ? x : undefined
    })
    // Once: the next pages send nothing for the empty cart.
    const later: string[] = []
    page.on('request', (r) => {
      if (r.url().includes('/v1/events')) later.push(r.url())
    })
    await page.reload()
    await page.waitForFunction(() => window.Cartback !== undefined)
    await page.waitForTimeout(800)
    expect(later).toEqual([])
    await page.close()
  })

  it('reports the order from the order-received page and starts a new cart', async () => {
    const page = await open('/blocks')
    const id = await page.evaluate(() => window.Cartback!.id())
    await page.click('#add')
    await until('the cart', async () =>
      (await detailOf(shop, id)).items?.length ? true : undefined,
    )
    await page.goto(`${woo.url}/checkout/order-received/4242/`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    expect(await page.evaluate(() => window.Cartback!.id())).not.toBe(id)
    const d = await until('the order', async () => {
      const x = await detailOf(shop, id)
      return x.order ? x : undefined
    })
    expect(d.order?.id).toBe('4242')
    // A reload reports the order again under the fresh cart id: nothing is created (issue 11).
    const fresh = await page.evaluate(() => window.Cartback!.id())
    const reported = page.waitForResponse((r) => r.url().endsWith('/v1/events'))
    await page.reload()
    expect((await reported).status()).toBe(202)
    expect((await worker.api(`/carts/${shop.id}/${fresh}`)).status).toBe(404)
    expect((await detailOf(shop, id)).order?.id).toBe('4242')
    await page.close()
  })

  it('finds the Store API on a site with plain permalinks and reads ?order-received= orders', async () => {
    const page = await open('/blocks')
    const id = await page.evaluate(() => window.Cartback!.id())
    await page.click('#add')
    await until('the cart', async () =>
      (await detailOf(shop, id)).items?.length ? true : undefined,
    )
    const before = woo.apiHits.length
    await page.goto(`${woo.url}/?plain`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    await expect.poll(() => woo.apiHits.slice(before)).toContain('rest_route=/wc/store/v1/cart')
    await page.goto(`${woo.url}/?order-received=4343&key=wc_order_secretkey`)
    const d = await until('the order', async () => {
      const x = await detailOf(shop, id)
      return x.order ? x : undefined
    })
    expect(d.order?.id).toBe('4343')
    // The order key (it opens the order's page) never reaches Cartback.
    expect(JSON.stringify(d)).not.toContain('wc_order_secretkey')
    await page.close()
  })
})

const disclosure = (store: string) =>
  `Text me reminders about my cart and offers from ${store}. Up to 3 msgs per cart; msg frequency varies. Msg & data rates may apply. Consent is not a condition of purchase. Reply STOP to cancel, HELP for help.`

describe('SMS consent at checkout', () => {
  it('adds an unchecked box under the classic phone field and records consent with its text', async () => {
    const page = await open('/classic')
    const box = page.locator('#cartback-consent-billing_phone')
    await box.waitFor()
    expect(await box.isChecked()).toBe(false)
    // Right under the phone row, labelled by the store's exact disclosure.
    expect(await page.locator('#billing_phone_field + .cartback-consent').count()).toBe(1)
    await expect.poll(() => page.getByLabel(disclosure('Harbor Goods')).count()).toBe(1)
    await page.click('#add')
    await page.fill('#billing_phone', '(415) 555-0134')
    await box.check()
    await page.screenshot({ path: shot('consent-classic'), fullPage: true })
    const { records } = await until('the consent record', async () => {
      const r = await consentOf(shop, '+14155550134')
      return r.records.length ? r : undefined
    })
    expect(records[0]).toMatchObject({
      granted: true,
      text: disclosure('Harbor Goods'),
      source: 'storefront',
      page: expect.stringContaining('/classic'),
    })
    // Unticking withdraws it.
    await box.uncheck()
    const after = await until('the withdrawal', async () => {
      const r = await consentOf(shop, '+14155550134')
      return r.records.length === 2 ? r : undefined
    })
    expect(after.records[1]).toMatchObject({ granted: false, text: disclosure('Harbor Goods') })
    await page.close()
  })

  it('finds the Blocks phone field rendered late, and moves the consent to a number typed after the tick', async () => {
    const page = await open('/checkout/')
    const box = page.locator('#cartback-consent-billing-phone')
    await box.waitFor()
    await box.check()
    await page.fill('#billing-phone', '+1 415 555 0188')
    await page.click('h1')
    const { records } = await until('the consent record', async () => {
      const r = await consentOf(shop, '+14155550188')
      return r.records.length ? r : undefined
    })
    expect(records[0]).toMatchObject({ granted: true, text: disclosure('Harbor Goods') })
    await page.close()
  })

  it('adds no second box where the Cartback plugin renders its own field, and follows that field', async () => {
    const page = await open(
      `/plugin-checkout/?text=${encodeURIComponent(disclosure('Harbor Goods'))}`,
    )
    await page.waitForFunction(
      () => (window.Cartback as CartbackApi & { config?: object }).config !== undefined,
    )
    await page.fill('#billing_phone', '(415) 555-0177')
    await page.check('#cartback_sms_consent')
    const { records } = await until('the consent record', async () => {
      const r = await consentOf(shop, '+14155550177')
      return r.records.length ? r : undefined
    })
    expect(records[0]).toMatchObject({ granted: true, text: disclosure('Harbor Goods') })
    expect(await page.locator('.cartback-consent').count()).toBe(0)
    await page.close()
  })

  it('adds no box for a store that collects consent itself', async () => {
    key = () => ownConsentShop.publishableKey
    try {
      const page = await open('/classic')
      await page.waitForFunction(
        () => (window.Cartback as CartbackApi & { config?: object }).config !== undefined,
      )
      await page.waitForTimeout(300)
      expect(await page.locator('.cartback-consent').count()).toBe(0)
      await page.close()
    } finally {
      key = () => shop.publishableKey
    }
  })
})

// Issue 11: on a real store, `window.wp` without `wp.data` (the emoji script, wp-hooks) threw
// and silently took checkout capture and the consent box with it.
describe('on real WordPress pages', () => {
  /** A checkout page with a Harbor Cap already in the session, and every error the page throws. */
  async function checkout(path: string) {
    const page = await browser.newPage()
    const errors: string[] = []
    const warnings: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text())
    })
    // Added before any page, so no Store API read races the session cookie (the browser
    // context keeps the cookie this request gets).
    await page.request.post(`${woo.url}/add?id=13`)
    await page.goto(`${woo.url}${path}`)
    await page.waitForFunction(() => window.Cartback !== undefined)
    return { page, id: await page.evaluate(() => window.Cartback!.id()), errors, warnings }
  }

  /** The cart, the contact and the consent for `phone` all reached the Worker. */
  async function captured(id: string, contact: { email: string; phone: string }) {
    const [d, c] = await until('the cart, the contact and the consent', async () => {
      const [d, c] = await Promise.all([detailOf(shop, id), consentOf(shop, contact.phone)])
      const { email, phone } = d.contact ?? {}
      return d.items?.length &&
        email === contact.email &&
        phone === contact.phone &&
        c.records.length
        ? ([d, c] as const)
        : undefined
    })
    expect(d.items).toEqual([
      expect.objectContaining({ id: '13', name: 'Harbor Cap', price: 1800, quantity: 1 }),
    ])
    expect(d.contact).toMatchObject(contact)
    expect(c.records.at(-1)).toMatchObject({
      granted: true,
      text: disclosure('Harbor Goods'),
      source: 'storefront',
    })
  }

  it.each([
    { variant: 'empty', wp: '{}', value: {}, phone: '+14155550141' },
    { variant: 'hooks', wp: '{ hooks: {} }', value: { hooks: {} }, phone: '+14155550142' },
  ])('captures the cart, the contact and consent when window.wp is $wp', async (t) => {
    const { variant, phone } = t
    const { page, id, errors, warnings } = await checkout(`/checkout/?wp=${variant}`)
    expect(await page.evaluate('window.wp')).toEqual(t.value)
    const box = page.locator('#cartback-consent-billing-phone')
    await box.waitFor()
    await page.fill('#email', `wp-${variant}@example.com`)
    await page.fill('#billing-phone', phone)
    await box.check()
    await captured(id, { email: `wp-${variant}@example.com`, phone })
    // Nothing thrown, nothing skipped: a `wp` without `data` is simply not the Blocks store.
    expect(errors).toEqual([])
    expect(warnings).toEqual([])
    await page.close()
  })

  it('skips only the parts whose page globals throw; the others still capture', async () => {
    const { page, id, errors, warnings } = await checkout('/checkout/?wp=broken')
    const box = page.locator('#cartback-consent-billing-phone')
    await box.waitFor()
    await page.fill('#email', 'wp-broken@example.com')
    await page.fill('#billing-phone', '(415) 555-0146')
    await box.check()
    await captured(id, { email: 'wp-broken@example.com', phone: '+14155550146' })
    expect(errors).toEqual([])
    expect(warnings).toEqual([
      expect.stringContaining('Cartback: jQuery events skipped'),
      expect.stringContaining('Cartback: wp.data skipped'),
    ])
    await page.close()
  })

  it('captures the cart, the contact and consent on a classic checkout without jQuery', async () => {
    const { page, id, errors } = await checkout('/classic-checkout/?nojquery')
    expect(await page.evaluate('typeof window.jQuery')).toBe('undefined')
    const box = page.locator('#cartback-consent-billing_phone')
    await box.waitFor()
    await page.fill('#billing_email', 'no-jquery@example.com')
    await page.fill('#billing_phone', '(415) 555-0143')
    await box.check()
    await captured(id, { email: 'no-jquery@example.com', phone: '+14155550143' })
    expect(errors).toEqual([])
    await page.close()
  })

  it('keeps capturing and asking for consent on the new nodes when the Blocks checkout re-renders', async () => {
    const { page, id, errors } = await checkout('/checkout/')
    const box = page.locator('#cartback-consent-billing-phone')
    await box.waitFor()
    // New input nodes with the same ids (our box stays where it was).
    await page.evaluate('window.bound = document.getElementById("billing-phone"); replaceInputs()')
    expect(await page.evaluate('window.bound === document.getElementById("billing-phone")')).toBe(
      false,
    )
    await page.fill('#email', 'rerender@example.com')
    await page.fill('#billing-phone', '(415) 555-0144')
    await box.check()
    await captured(id, { email: 'rerender@example.com', phone: '+14155550144' })
    // The whole form again: the box goes with it and comes back under the new field, still
    // ticked, and a number typed there carries the consent.
    await page.evaluate('renderCheckout()')
    await expect.poll(() => box.isChecked()).toBe(true)
    expect(
      await page.locator('.wc-block-components-address-form__phone + .cartback-consent').count(),
    ).toBe(1)
    expect(await page.locator('.cartback-consent').count()).toBe(1)
    await page.fill('#email', 'rerendered@example.com')
    await page.fill('#billing-phone', '(415) 555-0145')
    await page.click('h1')
    await captured(id, { email: 'rerendered@example.com', phone: '+14155550145' })
    expect(errors).toEqual([])
    await page.close()
  })
})

describe('restore on the store', () => {
  const beacon = (body: object) =>
    globalThis.fetch(`${worker.url}/v1/events`, {
      method: 'POST',
      headers: {
        'Content-Type': 'text/plain',
        Origin: woo.url,
        'CF-Connecting-IP': `2001:db8::${randomBytes(2).toString('hex')}`,
      },
      body: JSON.stringify(body),
    })

  /** A cart sent by beacon, and the merchant's restore link for it once it exists. */
  async function restorable(items: object[], extra: object = {}) {
    const id = randomBytes(16).toString('base64url')
    const res = await beacon({
      store: shop.publishableKey,
      cart: id,
      type: 'cart',
      currency: 'USD',
      items,
      ...extra,
    })
    expect(res.status).toBe(202)
    const { restoreUrl } = await until('the cart', async () => {
      const d = await detailOf(shop, id)
      return d.items?.length === items.length ? d : undefined
    })
    return { id, restoreUrl }
  }

  it('rebuilds what it can and tells the shopper what is gone or re-priced', async () => {
    const { id, restoreUrl } = await restorable(
      [
        { id: '11', name: 'Ocean Tee', price: 2000, quantity: 2 },
        { id: '13', name: 'Harbor Cap', price: 1800, quantity: 1 },
      ],
      { type: 'contact', contact: { email: 'private@example.com', firstName: 'Private' } },
    )
    ;(woo.catalog['13'] as { inStock: boolean }).inStock = false
    try {
      const page = await browser.newPage()
      await page.goto(restoreUrl)
      await page.waitForURL(/\/checkout\/$/)
      const notice = page.locator('.cartback-notice')
      await expect.poll(() => notice.textContent()).toContain('Welcome back')
      const text = await notice.textContent()
      expect(text).toContain('Harbor Cap is out of stock.')
      expect(text).toContain('Ocean Tee now costs $24.00 (was $20.00).')
      await page.screenshot({ path: shot('restore-notice') })
      const cart = (await page.evaluate(() =>
        fetch('/wp-json/wc/store/v1/cart').then((r) => r.json()),
      )) as WooCart
      expect(cart.items).toEqual([expect.objectContaining({ id: 11, quantity: 2 })])
      // The cart id is the restored one, and nothing personal reached the page.
      expect(await page.evaluate(() => window.Cartback!.id())).toBe(id)
      await page.locator('#email').waitFor()
      expect(await page.inputValue('#email')).toBe('')
      expect(await page.content()).not.toContain('private@example.com')
      await page.getByRole('button', { name: 'Dismiss' }).click()
      expect(await notice.count()).toBe(0)
      await page.close()
      // Part of the cart came back: that is a restore, recorded once.
      const restored = await until('the restore', async () => {
        const d = await detailOf(shop, id)
        return d.restores.length ? d : undefined
      })
      expect(restored.restores).toEqual([expect.objectContaining({ repeats: 0 })])
    } finally {
      ;(woo.catalog['13'] as { inStock: boolean }).inStock = true
    }
  })

  it('records no restore when nothing could be added to the cart', async () => {
    const { id, restoreUrl } = await restorable([
      { id: '13', name: 'Harbor Cap', price: 1800, quantity: 1 },
      { id: '999', name: 'Old Scarf', price: 900, quantity: 1 },
    ])
    ;(woo.catalog['13'] as { inStock: boolean }).inStock = false
    try {
      const page = await browser.newPage()
      const reports: string[] = []
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().includes('/v1/restore/')) reports.push(r.url())
      })
      await page.goto(restoreUrl)
      await page.waitForURL(/\/checkout\/$/)
      const notice = page.locator('.cartback-notice')
      await expect.poll(() => notice.textContent()).toContain('Harbor Cap is out of stock.')
      expect(await notice.textContent()).toContain('Old Scarf is no longer available.')
      const cart = (await page.evaluate(() =>
        fetch('/wp-json/wc/store/v1/cart').then((r) => r.json()),
      )) as WooCart
      expect(cart.items).toEqual([])
      await page.waitForLoadState('networkidle')
      await page.close()
      expect(reports).toEqual([])
      const d = await detailOf(shop, id)
      expect(d.restores).toEqual([])
      expect(d.journal.filter((j) => /restore/.test(j.type))).toEqual([])
    } finally {
      ;(woo.catalog['13'] as { inStock: boolean }).inStock = true
    }
  })

  it('rebuilds a cookieless session through its Cart-Token', async () => {
    const { restoreUrl } = await restorable([
      { id: '13', name: 'Harbor Cap', price: 1800, quantity: 3 },
    ])
    woo.mode.cookieless = true
    try {
      const page = await browser.newPage()
      await page.goto(restoreUrl)
      await page.waitForURL(/\/checkout\/$/)
      // No nonce was ever offered: the add-item went through on the Cart-Token alone.
      expect(woo.carts().some((c) => c.lines.some((l) => l.id === 13 && l.quantity === 3))).toBe(
        true,
      )
      await page.close()
    } finally {
      woo.mode.cookieless = false
    }
  })

  it('asks for a fresh nonce and tries again when the Store API refuses a stale one', async () => {
    const { restoreUrl } = await restorable([
      { id: '12', name: 'Sunrise Mug', price: 1600, quantity: 2 },
    ])
    woo.mode.refuseNextNonce = true
    const page = await browser.newPage()
    await page.goto(restoreUrl)
    await page.waitForURL(/\/checkout\/$/)
    expect(woo.mode.refuseNextNonce).toBe(false)
    const cart = (await page.evaluate(() =>
      fetch('/wp-json/wc/store/v1/cart').then((r) => r.json()),
    )) as WooCart
    expect(cart.items).toEqual([expect.objectContaining({ id: 12, quantity: 2 })])
    await expect
      .poll(() => page.locator('.cartback-notice').textContent())
      .toContain('Welcome back: your cart is ready.')
    expect(await page.locator('.cartback-notice').textContent()).not.toContain('available')
    await page.close()
  })

  it('tells the shopper when a link is not valid, and changes nothing', async () => {
    const page = await open('/?cartback_restore=not-a-real-token')
    const notice = page.locator('.cartback-notice')
    await expect.poll(() => notice.textContent()).toContain('This link is not valid')
    // The parameter is gone from the address bar, so a reload does not try again.
    expect(page.url()).toBe(`${woo.url}/`)
    await page.close()
  })
})

describe('the whole story in a browser', () => {
  it('add to cart → consent → abandoned → restore with the coupon → order → recovered', async () => {
    // The shopper fills the cart and the Blocks checkout, ticks the box, and leaves.
    const page = await open('/blocks')
    const id = await page.evaluate(() => window.Cartback!.id())
    await page.click('#add')
    await until('the cart beacon', async () =>
      (await detailOf(shop, id)).items?.length ? true : undefined,
    )
    await page.goto(`${woo.url}/checkout/`)
    await page.locator('#cartback-consent-billing-phone').waitFor()
    await page.fill('#email', 'shopper@example.com')
    await page.fill('#billing-phone', '(415) 555-0199')
    await page.check('#cartback-consent-billing-phone')
    await page.screenshot({ path: shot('consent-blocks') })
    const consent = await until('contact and consent', async () => {
      const [d, c] = await Promise.all([detailOf(shop, id), consentOf(shop, '+14155550199')])
      return d.contact?.email && c.records.length ? c : undefined
    })
    expect(consent.records[0]?.text).toContain('Harbor Goods')
    await page.close()

    // Two seconds of quiet: abandoned, and the email with its coupon goes out.
    type Msg = { channel: string; status: string; text: string; to: string }
    const email = await until('the recovery email', async () => {
      const { messages } = await api<{ messages: Msg[] }>(`/messages?store=${shop.id}&cart=${id}`)
      return messages.find((m) => m.channel === 'email' && m.status === 'sent')
    })
    expect(email.to).toBe('shopper@example.com')
    expect((await detailOf(shop, id)).status).toBe('abandoned')
    const code = /Use code (CB-[A-Z0-9]+)/.exec(email.text)?.[1]
    expect(code).toBeDefined()
    // In WooCommerce: one use, by anyone holding the code, for the step's day.
    const coupon = woo.coupons.get(code!.toLowerCase())!
    expect(coupon).toMatchObject({ usage_limit: 1, email_restrictions: [] })
    const validFor = Date.parse(`${coupon.date_expires_gmt}Z`) - Date.now()
    expect(validFor).toBeGreaterThan(86_400_000 - 120_000)
    expect(validFor).toBeLessThanOrEqual(86_400_000)
    const link = /(http:\/\/\S+\/r\/[^\s"<>)]+)/.exec(email.text)?.[1]
    expect(link).toBeDefined()

    // The link opens on another device: a new browser context, no cookies, so WooCommerce's
    // session has no billing email (an email-restricted coupon would be refused here). The cart
    // is rebuilt there, with the discount.
    const phone = await browser.newPage()
    await phone.goto(link!)
    await phone.waitForURL(/\/checkout\/$/)
    await expect
      .poll(() => phone.locator('.cartback-notice').textContent())
      .toContain(`Welcome back: your cart is ready. Code ${code} is applied.`)
    const cart = (await phone.evaluate(() =>
      fetch('/wp-json/wc/store/v1/cart').then((r) => r.json()),
    )) as WooCart
    expect(cart.items).toEqual([expect.objectContaining({ id: 12, quantity: 1 })])
    expect(cart.coupons.map((c) => c.code)).toEqual([code!.toLowerCase()])
    expect(cart.totals.total_discount).toBe('160')
    expect(await phone.evaluate(() => window.Cartback!.id())).toBe(id)
    await phone.locator('#email').waitFor()
    expect(await phone.inputValue('#email')).toBe('')
    expect(await phone.inputValue('#billing-phone')).toBe('')
    // The script reported the rebuild once the Store API had the items: that is the restore.
    const restored = await until('the restore', async () => {
      const d = await detailOf(shop, id)
      return d.status === 'restored' ? d : undefined
    })
    expect(restored.journal.filter((j) => j.type === 'cart.restored')).toHaveLength(1)

    // The order: the webhook names the cart (the _cartback_cart meta from the cookie) and the
    // order-received page reports it too.
    await phone.click('#place')
    await phone.waitForURL(/\/checkout\/order-received\/\d+\//)
    const placed = woo.orders.at(-1)!
    expect(placed.cartbackCart).toBe(id)
    expect(woo.webhooks.at(-1)?.status).toBe(200)
    const done = await until('the recovered cart', async () => {
      const d = await detailOf(shop, id)
      return d.status === 'recovered' ? d : undefined
    })
    expect(done.order?.id).toBe(String(placed.id))
    await phone.close()

    // The code was used once: the same link, forwarded or opened again, brings no second discount.
    const again = await browser.newPage()
    await again.goto(link!)
    await again.waitForURL(/\/checkout\/$/)
    await expect
      .poll(() => again.locator('.cartback-notice').textContent())
      .toContain(`Code ${code} could not be applied.`)
    await again.close()
  })
})
