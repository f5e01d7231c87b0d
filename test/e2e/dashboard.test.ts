// The dashboard in a real browser against `wrangler dev`: log in, read the overview, create an
// API token, and hostile names stay text. Screenshots go to screenshots/ for a person to look at.
import { randomBytes } from 'node:crypto'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, shot } from '../browser'
import { startWorker, TWILIO_TEST_TOKEN, textFromShopper, until, type Worker } from '../worker'
import { middayZone } from '../zones'

let worker: Worker
let browser: Browser
const SHOP = 'https://shop.example'
const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
const PHONE = '+447911123456'
type Store = { id: string; publishableKey: string }
let shop: Store
const carts = {
  hostile: randomBytes(16).toString('base64url'),
  plain: randomBytes(16).toString('base64url'),
  anonymous: randomBytes(16).toString('base64url'),
}

const beacon = (cart: string, body: Record<string, unknown>) =>
  fetch(`${worker.url}/v1/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain', Origin: SHOP },
    body: JSON.stringify({ store: shop.publishableKey, cart, type: 'contact', ...body }),
  })

const inbound = (body: string) => textFromShopper(worker, shop.id, PHONE, body)

/** Carts in every state the pages show: hostile names, a text thread handed to a person. */
async function seedCarts() {
  shop = (
    await worker.api<Store>('/stores', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Tide & Co',
        url: `${SHOP}/`,
        currency: 'USD',
        allowedOrigins: [SHOP],
        settings: {
          inactivitySeconds: 3,
          sender: {
            fromEmail: 'hello@tide.example',
            fromName: 'Tide & Co',
            postalAddress: '1 Harbor Way, Portland, ME 04101',
          },
          sms: { doubleOptIn: false },
          sequence: [
            {
              id: 'email-now',
              channel: 'email',
              delaySeconds: 0,
              windowSeconds: 3600,
              template: {
                subject: 'Your cart',
                heading: 'Still there?',
                body: 'Come back',
                buttonLabel: 'Back to my cart',
              },
            },
          ],
        },
      }),
    })
  ).body
  const sent = await Promise.all([
    beacon(carts.hostile, {
      items: [
        { id: 'a', name: '<script>alert(5)</script>', price: 2400, quantity: 1 },
        { id: 'b', name: '"><img src=x onerror=alert(6)>', price: 1000, quantity: 2 },
      ],
      contact: {
        email: 'ada@example.com',
        phone: PHONE,
        firstName: '<script>alert(3)</script>',
        lastName: '"><img src=x onerror=alert(4)>',
        timezone: middayZone(),
      },
      consent: { sms: true, text: 'Text me <b>offers</b>. Reply STOP to opt out.' },
    }),
    beacon(carts.plain, {
      items: [{ id: 'c', name: 'Linen Shirt', price: 5900, quantity: 1 }],
      contact: { email: 'grace@example.com' },
    }),
    beacon(carts.anonymous, {
      type: 'cart',
      items: [{ id: 'd', name: 'Canvas Tote', price: 1800, quantity: 1 }],
    }),
  ])
  expect(sent.map((r) => r.status)).toEqual([202, 202, 202])
  // Abandoned after 3 s; the email goes out; the shopper asks for a person.
  await until('the reminder email of the hostile cart', async () => {
    const { body } = await worker.api<{ messages: { step: string }[] }>(
      `/messages?store=${shop.id}&cart=${carts.hostile}`,
    )
    return body.messages.find((m) => m.step === 'email-now')
  })
  expect((await inbound('can I talk to a real person please')).status).toBe(200)
  await until('the handoff', async () => {
    const { body } = await worker.api<{ conversation: { state: string } | null }>(
      `/carts/${shop.id}/${carts.hostile}`,
    )
    return body.conversation?.state === 'needs_human' ? true : undefined
  })
  // Every cart in the list (the projection is written by the queue consumer).
  await until('three carts in the list', async () => {
    const { body } = await worker.api<{ carts: { status: string }[] }>(`/carts?store=${shop.id}`)
    return body.carts.filter((c) => c.status === 'abandoned').length === 3 ? true : undefined
  })
}

beforeAll(async () => {
  worker = await startWorker()
  for (const name of ['Harbor Goods', HOSTILE]) {
    await worker.api('/stores', {
      method: 'POST',
      body: JSON.stringify({
        name,
        url: 'https://shop.example/',
        currency: 'USD',
        allowedOrigins: ['https://shop.example'],
      }),
    })
  }
  browser = await launchChromium()
  await seedCarts()
}, 90_000)

afterAll(async () => {
  await session?.close()
  await browser?.close()
  await worker?.stop()
})

async function logIn(page: Page) {
  await page.goto(`${worker.url}/`)
  await page.waitForURL(/\/login$/)
  await page.getByLabel('Email').fill(worker.owner.email)
  await page.getByLabel('Password').fill(worker.owner.password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await page.waitForURL(`${worker.url}/`)
}

describe('the dashboard in a browser', () => {
  it('logs in and shows the overview, with hostile names inert', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    const dialogs: string[] = []
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    await page.goto(`${worker.url}/login`)
    await page.screenshot({ path: shot('dashboard-login') })
    await logIn(page)
    await expect.poll(() => page.locator('h1').textContent()).toBe('Overview')
    expect(await page.getByRole('navigation', { name: 'Main' }).textContent()).toContain(
      'API tokens',
    )
    const options = await page.locator('#store option').allTextContents()
    expect(options).toContain(HOSTILE)
    expect(await page.locator('img[src=x]').count()).toBe(0)
    await page.screenshot({ path: shot('dashboard-overview'), fullPage: true })
    expect(dialogs).toEqual([])
    await page.close()
  })

  it('creates scoped API tokens the API then holds to their scope', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await logIn(page)
    await page.getByRole('link', { name: 'API tokens' }).click()
    const asToken = (token: string | null, path: string, init: RequestInit = {}) =>
      fetch(`${worker.url}/api/v1${path}`, {
        ...init,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      })
    // No store picked: the browser keeps the form (the field is required), nothing is created.
    await page.getByLabel('Name').fill('Nightly export')
    await page.getByRole('button', { name: 'Create token' }).click()
    expect(await page.locator('#new-token').count()).toBe(0)

    await page.getByLabel('Store').selectOption({ label: 'Tide & Co' })
    expect(await page.getByLabel('Access').inputValue()).toBe('read')
    await page.getByRole('button', { name: 'Create token' }).click()
    const reader = await page.locator('#new-token').textContent()
    expect(reader).toMatch(/^cb_live_/)
    const row = page.locator('#tokens tr', { hasText: 'Nightly export' })
    expect(await row.locator('td').nth(2).textContent()).toBe('Tide & Co')
    expect(await row.locator('td').nth(3).textContent()).toBe('read-only')
    const list = (await (await asToken(reader, '/stores')).json()) as { stores: Store[] }
    expect(list.stores.map((s) => s.id)).toEqual([shop.id])
    const { body } = await worker.api<{ stores: (Store & { name: string })[] }>('/stores')
    const harbor = body.stores.find((s) => s.name === 'Harbor Goods')!
    expect((await asToken(reader, `/stores/${harbor.id}`)).status).toBe(404)
    const patch = { method: 'PATCH', body: JSON.stringify({ name: 'Taken' }) }
    expect((await asToken(reader, `/stores/${shop.id}`, patch)).status).toBe(403)

    await page.getByLabel('Name').fill('Admin sync')
    await page.getByLabel('Store').selectOption({ label: 'All stores' })
    await page.getByLabel('Access').selectOption({ label: 'Read-write' })
    await page.getByRole('button', { name: 'Create token' }).click()
    const writer = await page.locator('#new-token').textContent()
    const all = page.locator('#tokens tr', { hasText: 'Admin sync' })
    expect(await all.locator('td').nth(2).textContent()).toBe('All stores')
    expect(await all.locator('td').nth(3).textContent()).toBe('read-write')
    const rename = { method: 'PATCH', body: JSON.stringify({ name: 'Harbor Goods' }) }
    expect((await asToken(writer, `/stores/${harbor.id}`, rename)).status).toBe(200)
    await page.screenshot({ path: shot('dashboard-tokens'), fullPage: true })
    await page.getByRole('button', { name: 'Log out' }).click()
    await page.waitForURL(/\/login$/)
    await page.close()
  })
})

let session: BrowserContext | undefined

/**
 * A signed-in page that records every dialog (a script that ran would open one). The pages share
 * one session: logging in for each would run into the login rate limit (5 a minute).
 */
async function signedIn() {
  if (!session) {
    session = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await logIn(await session.newPage())
  }
  const page = await session.newPage()
  const dialogs: string[] = []
  page.on('dialog', (d) => {
    dialogs.push(d.message())
    void d.dismiss()
  })
  await page.goto(`${worker.url}/`)
  return { page, dialogs }
}

describe('carts in a browser', () => {
  it('filters and searches the list, with contacts masked and names inert', async () => {
    const { page, dialogs } = await signedIn()
    await page.getByRole('link', { name: 'Carts' }).click()
    await page.getByLabel('Store').selectOption({ label: 'Tide & Co' })
    await page.getByLabel('Status').selectOption('abandoned')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/status=abandoned/)
    const rows = page.locator('#carts-table tbody tr')
    expect(await rows.count()).toBe(3)
    const text = await page.locator('#carts-table').textContent()
    expect(text).toContain('a••@example.com')
    expect(text).toContain('+44 ••• ••• 3456')
    expect(text).not.toContain('ada@example.com')
    await page.screenshot({ path: shot('dashboard-carts'), fullPage: true })

    await page.getByLabel('Contact').selectOption('no')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/contact=no/)
    expect(await rows.count()).toBe(1)
    expect(await rows.first().textContent()).toContain(carts.anonymous.slice(0, 12))

    await page.getByRole('link', { name: 'Clear' }).click()
    await page.getByLabel('Search').fill('GRACE@example.com')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/q=GRACE/)
    expect(await rows.count()).toBe(1)
    expect(await rows.first().textContent()).toContain(carts.plain.slice(0, 12))
    expect(dialogs).toEqual([])
    await page.close()
  })

  it("opens a cart's whole story and acts on it", async () => {
    const { page, dialogs } = await signedIn()
    await page.goto(`${worker.url}/carts?store=${shop.id}&contact=yes`)
    await page.getByRole('link', { name: `${carts.hostile.slice(0, 12)}…` }).click()
    await expect.poll(() => page.locator('h1').textContent()).toContain('abandoned')
    // Shopper and product names are text, never markup.
    const items = await page.locator('.card', { hasText: 'Items' }).first().textContent()
    expect(items).toContain('<script>alert(5)</script>')
    expect(items).toContain('"><img src=x onerror=alert(6)>')
    expect(await page.locator('dd', { hasText: '<script>alert(3)</script>' }).count()).toBe(1)
    expect(await page.locator('img[src=x]').count()).toBe(0)
    expect(await page.locator('blockquote').first().textContent()).toBe(
      'Text me <b>offers</b>. Reply STOP to opt out.',
    )
    expect(await page.locator('#restore-link').inputValue()).toMatch(/\/r\/[\w-]+\.[\w-]+/)
    expect(await page.locator('.timeline').textContent()).toContain('cart.abandoned')
    expect(await page.locator('.message', { hasText: 'Your cart' }).textContent()).toContain(
      'email-now · to ada@example.com',
    )
    await expect.poll(() => page.locator('#conversation').textContent()).toContain('Needs a person')
    await page.screenshot({ path: shot('dashboard-cart'), fullPage: true })

    // Reply by hand: sent as a text, kept in the thread as the merchant's.
    await page.getByLabel('Reply by hand').fill('Hi, this is Sam from Tide & Co. How can I help?')
    await page.getByRole('button', { name: 'Send text' }).click()
    await expect.poll(() => page.locator('.notice').textContent()).toBe('Text sent.')
    expect(await page.locator('.turn.merchant').last().textContent()).toContain('Sam from Tide')
    await page.getByRole('button', { name: 'Let the assistant answer again' }).click()
    await expect.poll(() => page.locator('#conversation').textContent()).toContain('answers')

    await page.getByRole('button', { name: 'Archive' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toContain('archived')
    const detail = await worker.api<{ status: string }>(`/carts/${shop.id}/${carts.hostile}`)
    expect(detail.body.status).toBe('archived')
    expect(dialogs).toEqual([])
    await page.close()
  })

  it('ignores selected carts in bulk and exports the filter as CSV', async () => {
    const { page } = await signedIn()
    await page.goto(`${worker.url}/carts?store=${shop.id}&q=grace%40example.com`)
    await page.getByLabel(`Select cart ${carts.plain}`).check()
    await page.getByLabel('With selected').selectOption('ignore')
    await page.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => page.locator('.notice').textContent()).toBe('1 cart ignored.')
    expect(page.url()).toContain('q=grace')
    const detail = await worker.api<{ status: string }>(`/carts/${shop.id}/${carts.plain}`)
    expect(detail.body.status).toBe('ignored')

    // Delete asks first; Cancel goes back to the same filter with nothing deleted.
    await page.getByLabel(`Select cart ${carts.plain}`).check()
    await page.getByLabel('With selected').selectOption('delete')
    await page.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Delete 1 cart?')
    await page.screenshot({ path: shot('dashboard-confirm-delete') })
    await page.getByRole('link', { name: 'Cancel' }).click()
    await page.waitForURL(/\/carts\?.*q=grace/)
    expect((await worker.api(`/carts/${shop.id}/${carts.plain}`)).status).toBe(200)

    // The export reads the reporting rows, which follow the cart through the queue. A send the
    // local queue refuses under load is retried by the cart after 5 s, 10 s, 20 s…: wait for that.
    const lines = await until(
      'the ignored cart in the export',
      async () => {
        const csv = await page.request.get(`${worker.url}/carts/export.csv?store=${shop.id}`)
        expect(csv.status()).toBe(200)
        expect(csv.headers()['content-disposition']).toMatch(/^attachment; filename="carts-/)
        const lines = (await csv.text()).trimEnd().split('\r\n')
        return lines.some((l) => l.includes(`"${carts.plain}","ignored"`)) ? lines : undefined
      },
      75_000,
    )
    expect(lines[0]).toMatch(/^"store_id","cart_id","status","currency","total"/)
    expect(lines).toHaveLength(4)
    expect(lines.find((l) => l.includes(carts.plain))).toContain(
      '"ignored","USD","59.00","1","grace@example.com"',
    )
    await page.close()
  }, 120_000)

  it('rejects a forged form that lacks the CSRF token', async () => {
    const { page } = await signedIn()
    await page.goto(`${worker.url}/carts`)
    // Same origin, same session cookie, everything but the token: refused, nothing changed.
    const status = await page.evaluate(async (cart) => {
      const body = new URLSearchParams({ action: 'delete', confirm: 'yes', cart })
      return (await fetch('/carts/bulk', { method: 'POST', body })).status
    }, `${shop.id}/${carts.anonymous}`)
    expect(status).toBe(403)
    const still = await worker.api<{ cartId: string }>(`/carts/${shop.id}/${carts.anonymous}`)
    expect(still.status).toBe(200)
    await page.close()
  })
})

describe('the sequence editor in a browser', () => {
  it('previews live, refuses a text that is too long inline, saves and sends a test', async () => {
    const { page, dialogs } = await signedIn()
    await page.goto(`${worker.url}/sequences?store=${shop.id}`)
    const email = page.frameLocator('iframe[name="preview-0"]')
    await expect.poll(() => email.locator('.bar b').textContent()).toBe('Your cart')
    // The preview follows the typing, before anything is saved.
    await page.getByLabel('Subject').fill('Forgot something, {{firstName}}?')
    await expect.poll(() => email.locator('.bar b').textContent()).toBe('Forgot something, Ada?')

    await page.getByRole('button', { name: 'Add a text step' }).click()
    await expect.poll(() => page.locator('fieldset[data-step]').count()).toBe(2)
    const sms = page.frameLocator('iframe[name="preview-1"]')
    await expect.poll(() => sms.locator('.meta').first().textContent()).toMatch(/1 segment of 2/)
    await page.locator('#s-1-body').fill(`{{storeName}}: ${'Your cart misses you. '.repeat(14)}`)
    await expect.poll(() => sms.locator('body').textContent()).toMatch(/too long|at most 2/)
    await page.evaluate('window.scrollTo(0, 0)')
    await page.screenshot({ path: shot('dashboard-sequence') })
    await page.getByRole('button', { name: 'Save sequence' }).click()
    await expect.poll(() => page.locator('.error').textContent()).toContain('Nothing was saved')
    expect(await page.locator('#s-1-body-error').textContent()).toContain('Too long')
    // What was typed is still there, and the subject edit too.
    expect(await page.getByLabel('Subject').inputValue()).toBe('Forgot something, {{firstName}}?')

    await page.locator('#s-1-body').fill('{{storeName}}: your cart is saved {{restoreUrl}}')
    await page.getByRole('button', { name: 'Save sequence' }).click()
    await expect.poll(() => page.locator('.notice').textContent()).toBe('Sequence saved.')
    const saved = await worker.api<{ sequence: { id: string; channel: string }[] }>(
      `/stores/${shop.id}/sequence`,
    )
    expect(saved.body.sequence.map((s) => s.channel)).toEqual(['email', 'sms'])

    await page.getByRole('button', { name: 'Send me a test' }).first().click()
    await expect
      .poll(() => page.locator('.notice').textContent())
      .toContain(`Test email sent to ${worker.owner.email}`)
    const { body } = await worker.api<{ messages: { subject?: string; cartId: string }[] }>(
      `/messages?store=${shop.id}&cart=test:send`,
    )
    expect(body.messages[0]?.subject).toBe('[Test] Forgot something, Ada?')

    // Switching a step's channel brings that channel's fields at once (nothing saved yet).
    await page.locator('#s-1-channel').selectOption('email')
    await expect.poll(() => page.locator('#s-1-subject').count()).toBe(1)
    expect(await page.locator('[data-refresh-button]').first().isVisible()).toBe(false)
    expect(dialogs).toEqual([])
    await page.close()
  })
})

describe('settings and the outbox in a browser', () => {
  it('edits quiet hours and the knowledge base, and shows secrets only as set or not', async () => {
    const { page, dialogs } = await signedIn()
    await page.getByRole('link', { name: 'Settings' }).click()
    await page.getByLabel('Store').first().selectOption({ label: 'Tide & Co' })
    await page.getByRole('button', { name: 'Open' }).click()
    await page.waitForURL(/store=/)
    expect(await page.locator('#twilio-url').inputValue()).toBe(
      `${worker.url}/webhooks/twilio/${shop.id}`,
    )
    await page.getByLabel('Not after').selectOption('20')
    await page.getByRole('button', { name: 'Save quiet hours' }).click()
    await expect.poll(() => page.locator('.notice').textContent()).toBe('Saved.')
    expect(await page.locator('#quiet').textContent()).toContain('20:00')

    await page.getByLabel('Shipping').fill('We ship to Canada in 5-8 business days.')
    await page.getByLabel('Question 1').fill('<script>alert(7)</script>')
    await page.getByLabel('Answer 1').fill('"><img src=x onerror=alert(8)>')
    await page.getByLabel('Workers AI model').fill('not a model')
    await page.getByRole('button', { name: 'Save text replies' }).click()
    await expect.poll(() => page.locator('#assistant .error').textContent()).toContain('Nothing')
    expect(await page.locator('#ai-model-error').textContent()).toMatch(/Workers AI model id/)
    await page.getByLabel('Workers AI model').fill('@cf/meta/llama-3.3-70b-instruct-fp8-fast')
    await page.getByRole('button', { name: 'Save text replies' }).click()
    await expect.poll(() => page.locator('.notice').textContent()).toBe('Saved.')
    expect(await page.getByLabel('Question 1').inputValue()).toBe('<script>alert(7)</script>')
    const { body } = await worker.api<{ settings: { knowledgeBase: { shipping: string } } }>(
      `/stores/${shop.id}`,
    )
    expect(body.settings.knowledgeBase.shipping).toBe('We ship to Canada in 5-8 business days.')
    expect(await page.locator('#secrets').textContent()).not.toContain(TWILIO_TEST_TOKEN)
    expect(await page.locator('img[src=x]').count()).toBe(0)
    await page.screenshot({ path: shot('dashboard-settings'), fullPage: true })
    expect(dialogs).toEqual([])
    await page.close()
  })

  it('issues a WordPress connect code that the plugin can exchange once (issue 13)', async () => {
    const { page, dialogs } = await signedIn()
    await page.goto(`${worker.url}/settings?store=${shop.id}`)
    await page.getByRole('button', { name: 'Get a connect code' }).click()
    const code = await page.getByLabel('Connect code (shown once)').inputValue()
    expect(code).toMatch(/^cbc_[A-Za-z0-9]{24}$/)
    expect(await page.locator('#connect').textContent()).toContain('(10 minutes)')
    await page.locator('#connect').screenshot({ path: shot('dashboard-connect-code') })
    const exchange = () =>
      fetch(`${worker.url}/v1/connect`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          code,
          siteUrl: `${SHOP}/`,
          currency: 'USD',
          restRoot: `${SHOP}/wp-json/`,
          pluginVersion: '1.0.0',
        }),
      })
    const first = await exchange()
    expect(first.status).toBe(200)
    expect(((await first.json()) as { storeId: string }).storeId).toBe(shop.id)
    expect((await exchange()).status).toBe(404)
    await page.goto(`${worker.url}/settings?store=${shop.id}`)
    expect(await page.locator('#connect').textContent()).toContain(`connected ${SHOP}/`)
    expect(await page.locator('#connect').textContent()).not.toContain(code)
    expect(dialogs).toEqual([])
    await page.close()
  })

  it('shows outbox emails in a sandboxed frame and texts as the shopper reads them', async () => {
    const { page, dialogs } = await signedIn()
    await page.getByRole('link', { name: 'Outbox' }).click()
    await page.getByLabel('Store').selectOption({ label: 'Tide & Co' })
    await page.getByRole('button', { name: 'Show' }).click()
    const email = page.getByRole('article', { name: 'Email to ada@example.com' })
    expect(await email.locator('iframe').getAttribute('sandbox')).toBe('')
    // The reminder shows the cart's lines, hostile names as text.
    const frame = email.frameLocator('iframe')
    await expect
      .poll(() => frame.locator('body').textContent())
      .toContain('<script>alert(5)</script>')
    expect(await frame.locator('img[src=x]').count()).toBe(0)
    const text = page.getByRole('article', { name: `Text to ${PHONE}` }).first()
    expect(await text.locator('.bubble').textContent()).toContain('Sam from Tide')
    await page.screenshot({ path: shot('dashboard-outbox') })
    expect(dialogs).toEqual([])
    await page.close()
  })
})

describe('the dashboard on a phone', () => {
  it('fits a narrow screen: nothing scrolls sideways but the carts table itself', async () => {
    if (!session) await signedIn().then(({ page }) => page.close())
    const page = await session!.newPage()
    await page.setViewportSize({ width: 390, height: 844 })
    const sideways = () =>
      page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')
    for (const path of ['/', '/carts', `/carts/${shop.id}/${carts.hostile}`, '/settings']) {
      await page.goto(`${worker.url}${path}`)
      expect(await sideways(), path).toBeLessThanOrEqual(0)
    }
    await page.goto(`${worker.url}/carts`)
    await page.screenshot({ path: shot('dashboard-carts-phone'), fullPage: true })
    await page.goto(`${worker.url}/carts/${shop.id}/${carts.hostile}`)
    await page.screenshot({ path: shot('dashboard-cart-phone'), fullPage: true })
    await page.close()
  })
})
