// The plugin's storefront script and consent field on both checkouts, in a real WordPress
// (Debian's package, on MariaDB, served by `php -S`) with a real Cartback (test/worker.ts) and
// Chromium. WooCommerce is the stand-in of test/wordpress/woocommerce/ (its checkout files say
// which WooCommerce 11.0 code they follow and what they are not).
import { execFileSync } from 'node:child_process'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, shot } from '../browser'
import { deliver } from '../wordpress'
import { hasWordPress, type Site, startWordPress } from '../wordpress/site'
import { storeFor } from '../wordpress/store'
import { startWorker, until, type Worker } from '../worker'

const root = join(import.meta.dirname, '..', '..')

// What the page's storefront script exposes, for the callbacks that run in the browser.
declare const window: { Cartback?: { config?: { consent: string | null } } }

if (!hasWordPress && process.env.CI === 'true')
  throw new Error('WordPress/MariaDB are not installed: .ci/run installs them')
if (!hasWordPress)
  console.warn('wordpress-checkout.test: Debian WordPress/MariaDB missing, skipped')

type Store = { id: string; publishableKey: string }
type Connected = {
  storeId: string
  publishableKey: string
  webhookSecret: string
  apiToken: string
  scriptUrl: string
  consentText: string
}
type Detail = { items: { name: string }[]; order: { id: string } | null }
type ConsentRecord = { granted: boolean; text: string; source: string; cartId: string | null }
type Evidence = {
  granted: boolean
  text: string
  at: string
  ip: string | null
  userAgent: string | null
  page: string | null
  phone: string | null
}

let worker: Worker
let site: Site
let browser: Browser
let store: Store
let connected: Connected

const detailOf = (id: string) => worker.api<Detail>(`/carts/${store.id}/${id}`)
const consentOf = async (phone: string) =>
  (
    await worker.api<{ records: ConsentRecord[] }>(
      `/contacts/${store.id}/consent?phone=${encodeURIComponent(phone)}&format=json`,
    )
  ).body.records

beforeAll(async () => {
  if (!hasWordPress) return
  execFileSync('node', [join(root, 'scripts/build-plugin.mjs')], { stdio: 'ignore' })
  ;[worker, site, browser] = await Promise.all([startWorker(), startWordPress(), launchChromium()])
  store = await storeFor<Store>(worker, site)
  // The connect handshake's answer, from the real endpoint, saved as the plugin saves it (the
  // admin screen that does this is tested in wordpress-site.test.ts).
  const code = await worker.api<{ code: string }>(`/stores/${store.id}/connect-codes`, {
    method: 'POST',
  })
  expect(code.status).toBe(201)
  const res = await fetch(`${worker.url}/v1/connect`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      code: code.body.code,
      siteUrl: `${site.url}/`,
      currency: 'USD',
      restRoot: `${site.url}/wp-json/`,
      pluginVersion: '0.1.0',
    }),
  })
  expect(res.status).toBe(200)
  connected = (await res.json()) as Connected
  expect(connected.consentText).not.toBe('')

  cpSync(join(root, 'test/wordpress/classic-theme'), join(site.root, 'wp-content/themes/classic'), {
    recursive: true,
  })
  const options = {
    cartback_url: worker.url,
    cartback_store_id: connected.storeId,
    cartback_publishable_key: connected.publishableKey,
    cartback_webhook_secret: connected.webhookSecret,
    cartback_api_token: connected.apiToken,
    cartback_script_url: connected.scriptUrl,
    cartback_consent_text: connected.consentText,
  }
  // The built zip unpacked by WordPress's own unzip_file() (PclZip without the zip extension).
  const zip = join(root, 'dist/cartback-woocommerce.zip')
  const saved = Buffer.from(JSON.stringify(options)).toString('base64')
  site.php(`require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
WP_Filesystem();
$r = unzip_file( ${JSON.stringify(zip)}, WP_PLUGIN_DIR );
if ( is_wp_error( $r ) ) { fwrite( STDERR, $r->get_error_message() ); exit( 1 ); }
$r = activate_plugin( 'cartback/cartback.php' );
if ( is_wp_error( $r ) ) { fwrite( STDERR, $r->get_error_message() ); exit( 1 ); }
foreach ( json_decode( base64_decode( '${saved}' ), true ) as $k => $v ) {
	update_option( $k, $v, ! in_array( $k, array( 'cartback_webhook_secret', 'cartback_api_token' ), true ) );
}
wp_insert_post( array( 'post_type' => 'page', 'post_status' => 'publish', 'post_title' => 'Checkout (Blocks)', 'post_name' => 'blocks-checkout', 'post_content' => '<!-- wp:woocommerce/checkout /-->' ) );
flush_rewrite_rules();`)
}, 240_000)

afterAll(async () => {
  await browser?.close()
  await Promise.all([worker?.stop(), site?.stop()])
})

/** A fresh shopper on a page, once the storefront script has its store settings. */
async function shopper(path: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${site.url}${path}`)
  await page.waitForFunction(() => window.Cartback?.config !== undefined)
  return { context, page }
}

async function cartCookie(context: BrowserContext) {
  return until('the cartback_cart cookie', async () => {
    const c = (await context.cookies()).find((k) => k.name === 'cartback_cart')
    return c?.value || undefined
  })
}

/** The store's script tags in the page as WordPress served it. */
async function scriptTags(path: string) {
  const html = await (await fetch(`${site.url}${path}`)).text()
  return html.match(/<script\b[^>]*\bsrc=["'][^"']*\/v1\/[^"']*\.js["'][^>]*>/g) ?? []
}

async function expectScriptAndCart(label: string) {
  const tags = await scriptTags('/')
  expect(tags, label).toHaveLength(1)
  const tag = tags[0] as string
  expect(tag).toMatch(new RegExp(`src=["']${connected.scriptUrl.replace(/[.?]/g, '\\$&')}["']`))
  expect(tag).toMatch(/\sasync[\s>=]/)
  expect(tag).toContain(`data-store="${connected.publishableKey}"`)
  expect(tag).toContain('data-platform="woocommerce"')
  expect(tag).toContain('data-consent-field="plugin"')
  // The script runs: it keeps the cart id in a first-party cookie and beacons the Store API cart.
  const { context } = await shopper('/')
  const id = await cartCookie(context)
  const detail = await until('the cart in Cartback', async () => {
    const d = await detailOf(id)
    return d.status === 200 && d.body.items.length ? d.body : undefined
  })
  expect(detail.items.map((i) => i.name)).toEqual(['Harbor Tote'])
  await context.close()
}

const orderMeta = (id: string) =>
  site.json<{ cart: string; consent: string; ip: string; ua: string; rest: object }>(
    `$o = wc_get_order( ${Number(id)} );
echo wp_json_encode( array( 'cart' => $o->get_meta( '_cartback_cart' ), 'consent' => $o->get_meta( '_cartback_sms_consent' ), 'ip' => $o->get_customer_ip_address(), 'ua' => $o->get_customer_user_agent(), 'rest' => $o->get_rest_data() ) );`,
  )

/** WooCommerce's v3 "order.created" webhook for the order, signed with the store's secret. */
async function deliverOrder(rest: object) {
  const res = await deliver(
    {
      id: 1,
      name: 'Cartback order created',
      user_id: 1,
      topic: 'order.created',
      delivery_url: `${worker.url}/webhooks/woocommerce/${store.id}`,
      secret: connected.webhookSecret,
      api_version: 'wp_api_v3',
      status: 'active',
    },
    rest,
  )
  expect(res.status, await res.clone().text()).toBeLessThan(300)
}

type Checkout = {
  path: string
  box: string
  phone: string
  fill(page: Page, phone: string, email: string): Promise<void>
  place(page: Page): Promise<void>
}

const classic: Checkout = {
  path: '/checkout/',
  box: '#cartback_sms_consent',
  phone: '#billing_phone',
  async fill(page, phone, email) {
    await page.fill('#billing_first_name', 'Ada')
    await page.fill('#billing_last_name', 'Lovelace')
    await page.fill('#billing_address_1', '1 Harbor Way')
    await page.fill('#billing_city', 'San Francisco')
    await page.fill('#billing_phone', phone)
    await page.fill('#billing_email', email)
  },
  async place(page) {
    await Promise.all([page.waitForURL(/\/order-received\/\d+\//), page.click('#place_order')])
  },
}

const blocks: Checkout = {
  path: '/blocks-checkout/',
  box: '#contact-cartback-sms-consent',
  phone: '#billing-phone',
  async fill(page, phone, email) {
    await page.fill('#email', email)
    await page.fill('#billing-first_name', 'Ada')
    await page.fill('#billing-last_name', 'Lovelace')
    await page.fill('#billing-address_1', '1 Harbor Way')
    await page.fill('#billing-city', 'San Francisco')
    await page.fill('#billing-phone', phone)
  },
  async place(page) {
    await Promise.all([
      page.waitForURL(/\/order-received\/\d+\//),
      page.click('.wc-block-components-checkout-place-order-button'),
    ])
  },
}

/** How the shopper checks out: box ticked or not; the script's beacons reaching Cartback or not. */
type Way = { tick: boolean; blocked?: boolean }

/** Places an order; returns what the browser and the order hold. */
async function placeOrder(checkout: Checkout, way: Way, phone: string, e164: string) {
  const { tick, blocked = false } = way
  const { context, page } = await shopper(checkout.path)
  const cart = await cartCookie(context)
  await until('the cart in Cartback', async () =>
    (await detailOf(cart)).status === 200 ? true : undefined,
  )
  // As an ad blocker would: the cart reached Cartback, nothing the script sends after does, on
  // this page or the next. (Playwright can route neither a beacon nor a keepalive fetch.)
  if (blocked) {
    const block = `delete Navigator.prototype.sendBeacon; const f = window.fetch;
window.fetch = (u, i) => String(u).includes('/v1/events') ? Promise.reject(new TypeError('blocked')) : f(u, i)`
    await context.addInitScript(block)
    await page.evaluate(block)
  }
  const box = page.locator(checkout.box)
  expect(await box.isChecked()).toBe(false)
  await checkout.fill(page, phone, `ada+${e164.slice(-4)}@example.com`)
  if (tick) await box.check()
  if (tick && !blocked) {
    // The storefront script follows the plugin's field and sends the consent as it is ticked.
    const records = await until('the storefront consent', async () => {
      const r = await consentOf(e164)
      return r.length ? r : undefined
    })
    expect(records[0]).toMatchObject({ granted: true, text: connected.consentText })
  }
  // The plugin's field is the only box: the script adds none of its own.
  expect(await page.locator('.cartback-consent').count()).toBe(0)
  expect(await page.locator('input[type=checkbox]').count()).toBe(1)
  const ua = await page.evaluate(() => navigator.userAgent)
  const shotOf = page.url()
  if (tick && !blocked)
    await page.screenshot({
      path: shot(`wordpress-checkout-${checkout === classic ? 'classic' : 'blocks'}`),
      fullPage: true,
    })
  await checkout.place(page)
  const order = /\/order-received\/(\d+)\//.exec(page.url())?.[1] as string
  expect(await page.textContent('body')).toContain('Your order has been received')
  await context.close()
  return { cart, ua, page: shotOf, order }
}

async function expectOrder(checkout: Checkout, way: Way, phone: string, e164: string) {
  const { tick, blocked = false } = way
  const placed = await placeOrder(checkout, way, phone, e164)
  const meta = orderMeta(placed.order)
  expect(meta.cart).toBe(placed.cart)
  const evidence = JSON.parse(meta.consent) as Evidence
  expect(evidence).toEqual({
    granted: tick,
    text: connected.consentText,
    at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    ip: '127.0.0.1',
    userAgent: placed.ua,
    page: placed.page,
    phone,
  })
  expect(Math.abs(Date.parse(evidence.at) - Date.now())).toBeLessThan(120_000)
  const before = await consentOf(e164)
  if (!tick || blocked) expect(before).toEqual([])
  else expect(before).toEqual([expect.objectContaining({ granted: true, source: 'storefront' })])

  // "From the server with the order": WooCommerce's order webhook carries the meta to Cartback.
  await deliverOrder(meta.rest)
  const detail = await until('the order on the cart', async () => {
    const d = await detailOf(placed.cart)
    return d.body.order ? d.body : undefined
  })
  expect(detail.order?.id).toBe(placed.order)
  if (tick && !blocked) {
    // The ledger keeps changes of answer: the order's same answer adds no second record.
    await new Promise((r) => setTimeout(r, 1000))
    expect(await consentOf(e164)).toEqual(before)
    return
  }
  // Otherwise the order's evidence joins the phone's ledger as the plugin's record.
  const fromPlugin = await until('the plugin consent record', async () => {
    const r = (await consentOf(e164)).filter((c) => c.source === 'plugin')
    return r.length ? r : undefined
  })
  expect(fromPlugin).toEqual([
    expect.objectContaining({ granted: tick, text: connected.consentText, cartId: placed.cart }),
  ])
  if (!tick) expect((await consentOf(e164)).filter((r) => r.granted)).toEqual([])
}

describe.skipIf(!hasWordPress)('the storefront script, enqueued by the plugin', () => {
  it('is on the block theme front page once, async, with its data attributes, and beacons the cart', async () => {
    expect(site.php('echo wp_get_theme()->get_stylesheet();')).toBe('twentytwentythree')
    await expectScriptAndCart('block theme')
  })

  it('is on a classic theme page the same way', async () => {
    site.php("switch_theme( 'classic' );")
    try {
      expect(site.php('echo wp_is_block_theme() ? "block" : "classic";')).toBe('classic')
      await expectScriptAndCart('classic theme')
    } finally {
      site.php("switch_theme( 'twentytwentythree' );")
    }
  })

  it('adds async itself before WordPress 6.3 and leaves the one 6.3+ writes alone', () => {
    const tags = site.json<string[]>(`echo wp_json_encode( array(
  Cartback_Storefront::tag( "<script src='x.js' id='cartback-js'></script>", 'cartback' ),
  Cartback_Storefront::tag( "<script src='x.js' id='cartback-js' async></script>", 'cartback' ),
  Cartback_Storefront::tag( "<script src='y.js' id='other-js'></script>", 'other' ),
) );`)
    for (const tag of tags.slice(0, 2)) expect(tag.match(/\basync\b/g)).toHaveLength(1)
    expect(tags[2]).toBe("<script src='y.js' id='other-js'></script>")
  })
})

describe.skipIf(!hasWordPress)('the consent field on the classic checkout', () => {
  it('sits unchecked right under the phone with the store disclosure', async () => {
    const { context, page } = await shopper(classic.path)
    const row = page.locator('#cartback_sms_consent_field')
    expect(await row.evaluate((el) => el.previousElementSibling?.id)).toBe('billing_phone_field')
    expect(await row.locator('label.checkbox > input#cartback_sms_consent').count()).toBe(1)
    const text = await row.locator('label').evaluate((l) =>
      [...l.childNodes]
        .filter((n) => n.nodeType === 3)
        .map((n) => n.textContent)
        .join('')
        .trim(),
    )
    expect(text).toBe(connected.consentText)
    const config = await page.evaluate(() => window.Cartback?.config?.consent)
    expect(config).toBe(connected.consentText)
    await context.close()
  })

  it('ticked: the script sends the consent as it is ticked, the order carries cart and consent', async () => {
    await expectOrder(classic, { tick: true }, '(415) 555-0142', '+14155550142')
  })

  it('ticked with the script blocked: the consent reaches Cartback from the server with the order', async () => {
    await expectOrder(classic, { tick: true, blocked: true }, '(415) 555-0144', '+14155550144')
  })

  it('unticked: granted false, and no SMS consent in Cartback', async () => {
    await expectOrder(classic, { tick: false }, '(415) 555-0143', '+14155550143')
  })
})

describe.skipIf(!hasWordPress)('the consent field on the Blocks checkout', () => {
  it('is registered through the Additional Checkout Fields API, unchecked, with the disclosure', async () => {
    const fields = site.json<Record<string, { location: string; type: string }>>(
      'echo wp_json_encode( wc_standin_additional_fields() );',
    )
    expect(fields['cartback/sms-consent']).toMatchObject({ location: 'contact', type: 'checkbox' })
    const { context, page } = await shopper(blocks.path)
    const label = page.locator('label[for="contact-cartback-sms-consent"]')
    expect((await label.textContent())?.trim()).toBe(connected.consentText)
    expect(await page.locator(blocks.box).isChecked()).toBe(false)
    await context.close()
  })

  it('passes the checks WooCommerce makes on a registration (the stand-in refuses what it refuses)', () => {
    const refusals = site.json<string[]>(`$out = array();
foreach ( array(
	array( 'id' => 'sms-consent', 'label' => 'x', 'location' => 'contact', 'type' => 'checkbox' ),
	array( 'id' => 'cartback/sms-consent', 'label' => 'x', 'location' => 'contact', 'type' => 'checkbox' ),
	array( 'id' => 'a/b', 'label' => 'x', 'location' => 'sidebar', 'type' => 'checkbox' ),
) as $field ) {
	try { woocommerce_register_additional_checkout_field( $field ); $out[] = 'ok'; } catch ( Exception $e ) { $out[] = $e->getMessage(); }
}
echo wp_json_encode( $out );`)
    expect(refusals[0]).toMatch(/namespace\/name/)
    expect(refusals[1]).toMatch(/already registered/)
    expect(refusals[2]).toMatch(/location is invalid/)
  })

  it('a Store API checkout without the nonce is refused and makes no order', async () => {
    const count = () => site.php("echo count( wc_get_orders( array( 'limit' => -1 ) ) );")
    const before = count()
    const res = await fetch(`${site.url}/wp-json/wc/store/v1/checkout`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        billing_address: { email: 'x@example.com' },
        additional_fields: { 'cartback/sms-consent': true },
      }),
    })
    expect(res.status).toBe(401)
    expect(count()).toBe(before)
  })

  it('ticked: the script follows the field, the Store API order carries cart and consent', async () => {
    await expectOrder(blocks, { tick: true }, '(415) 555-0152', '+14155550152')
  })

  it('ticked with the script blocked: the consent reaches Cartback from the server with the order', async () => {
    await expectOrder(blocks, { tick: true, blocked: true }, '(415) 555-0154', '+14155550154')
  })

  it('unticked: granted false, and no SMS consent in Cartback', async () => {
    await expectOrder(blocks, { tick: false }, '(415) 555-0153', '+14155550153')
  })
})
