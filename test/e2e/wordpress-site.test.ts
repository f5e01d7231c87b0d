// The plugin's zip in a real WordPress (Debian's package, on MariaDB, served by `php -S`), as a
// merchant installs it: upload, activate, paste the Cartback URL and a connect code, approve
// WooCommerce's "connect an app" screen. Cartback runs as `npm start` runs it (test/worker.ts),
// behind a local HTTPS proxy because WooCommerce posts REST keys only to an https callback_url.
// WooCommerce is a stand-in (test/wordpress/woocommerce/, its headers say what it is and is not).
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../scripts/lib/dev-server.mjs'
import { launchChromium, shot } from '../browser'
import { type HttpsProxy, httpsProxy, selfSigned } from '../wordpress/https-proxy'
import { hasWordPress, type Site, startWordPress } from '../wordpress/site'
import { storeFor } from '../wordpress/store'
import { startWorker, until, type Worker } from '../worker'

const root = join(import.meta.dirname, '..', '..')

// CI installs WordPress and MariaDB (.ci/run); only a developer's machine without them may skip.
if (!hasWordPress && process.env.CI === 'true')
  throw new Error('WordPress/MariaDB are not installed: .ci/run installs them')
if (!hasWordPress) console.warn('wordpress-site.test: Debian WordPress/MariaDB missing, skipped')

type Store = {
  id: string
  publishableKey: string
  woocommerceWebhookSecret: string
  woocommerceApiConfigured: boolean
  allowedOrigins: string[]
}
type WebhookRow = {
  webhook_id: string
  status: string
  topic: string
  delivery_url: string
  secret: string
  api_version: string
  failure_count: string
  pending_delivery: string
  user_id: string
}
type KeyRow = { key_id: string; description: string; permissions: string; consumer_key: string }

let worker: Worker
let proxy: HttpsProxy
let site: Site
let browser: Browser
let page: Page
let store: Store

beforeAll(async () => {
  if (!hasWordPress) return
  execFileSync('node', [join(root, 'scripts/build-plugin.mjs')], { stdio: 'ignore' })
  const tls = selfSigned()
  // The proxy's port is chosen first: its URL is the Worker's PUBLIC_BASE_URL. It is not 443,
  // and the site has no safe-ports setting: the plugin lets WooCommerce's posts to Cartback through.
  const port = await freePort()
  ;[worker, site, browser] = await Promise.all([
    startWorker({ PUBLIC_BASE_URL: `https://127.0.0.1:${port}` }),
    startWordPress({ trust: tls.cert }),
    launchChromium(),
  ])
  proxy = await httpsProxy(tls, worker.url, port)
  store = await storeFor<Store>(worker, site)
  page = await browser.newPage()
  page.setDefaultTimeout(15_000)
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await Promise.all([worker?.stop(), site?.stop(), proxy?.stop()])
})

const storeView = async () => (await worker.api<Store>(`/stores/${store.id}`)).body
const issueCode = async () => {
  const res = await worker.api<{ code: string }>(`/stores/${store.id}/connect-codes`, {
    method: 'POST',
  })
  expect(res.status).toBe(201)
  return res.body.code
}
const webhooks = () =>
  site.json<WebhookRow[]>(
    'global $wpdb; echo wp_json_encode( $wpdb->get_results( "SELECT * FROM {$wpdb->prefix}wc_webhooks ORDER BY webhook_id", ARRAY_A ) );',
  )
const keys = () =>
  site.json<KeyRow[]>(
    'global $wpdb; echo wp_json_encode( $wpdb->get_results( "SELECT * FROM {$wpdb->prefix}woocommerce_api_keys", ARRAY_A ) );',
  )
const option = (name: string) =>
  site.json<unknown>(`echo wp_json_encode( get_option( '${name}', null ) );`)
const notice = async () => (await page.locator('.notice p').first().innerText()).trim()
/** Nothing of the connection left in WooCommerce, and Cartback refuses the plugin's token. */
async function expectDisconnected(pluginToken: string) {
  expect(webhooks()).toEqual([])
  expect(keys()).toEqual([])
  expect((await storeView()).woocommerceApiConfigured).toBe(false)
  const refused = await fetch(`${worker.url}/api/v1/stores/${store.id}/connection`, {
    headers: { Authorization: `Bearer ${pluginToken}` },
  })
  expect(refused.status).toBe(401)
}
const settings = () => page.goto(`${site.url}/wp-admin/admin.php?page=cartback`)

async function logIn() {
  await page.goto(`${site.url}/wp-login.php`)
  await page.fill('#user_login', site.admin.user)
  await page.fill('#user_pass', site.admin.password)
  await Promise.all([page.waitForURL(/wp-admin/), page.click('#wp-submit')])
}

/** Fills the settings screen's connect form and submits it; resolves where the browser lands. */
async function submitConnect(url: string, code: string) {
  await settings()
  await page.fill('#cartback_url', url)
  await page.fill('#cartback_code', code)
  await Promise.all([
    page.waitForLoadState('load'),
    page.getByRole('button', { name: 'Connect', exact: true }).click(),
  ])
  await page.waitForLoadState('load')
}

/** Connects with a fresh code up to WooCommerce's approve screen, then approves. */
async function connectAndApprove() {
  await submitConnect(proxy.url, await issueCode())
  expect(page.url()).toContain('/wc-auth/v1/authorize')
  await Promise.all([page.waitForURL(/page=cartback/), page.click('a.wc-auth-approve')])
}

describe.skipIf(!hasWordPress)('the plugin zip in a real WordPress', () => {
  const email = 'shopper@harbor.example'
  const cart = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
  let token = ''

  it('installs from the zip through Plugins → Add New → Upload, and activates', async () => {
    await logIn()
    await page.goto(`${site.url}/wp-admin/plugin-install.php?tab=upload`)
    await page.setInputFiles('#pluginzip', join(root, 'dist/cartback-woocommerce.zip'))
    await Promise.all([page.waitForURL(/update\.php/), page.click('#install-plugin-submit')])
    await page.getByText('Plugin installed successfully.').waitFor()
    await Promise.all([page.waitForURL(/plugins\.php/), page.getByText('Activate Plugin').click()])
    expect(await page.textContent('#message')).toContain('Plugin activated.')
    const active = site.json<string[]>("echo wp_json_encode( get_option( 'active_plugins' ) );")
    expect(active).toContain('cartback/cartback.php')
    // Declared to WooCommerce before it initialises (FeaturesUtil::declare_compatibility).
    const declared = site.json<Record<string, Record<string, boolean>>>(
      'echo wp_json_encode( \\Automattic\\WooCommerce\\Utilities\\FeaturesUtil::declarations() );',
    )
    expect(declared.custom_order_tables?.['cartback/cartback.php']).toBe(true)
    expect(declared.cart_checkout_blocks?.['cartback/cartback.php']).toBe(true)
  })

  it('says in plain words when the code is wrong or Cartback cannot be reached', async () => {
    await submitConnect(proxy.url, 'cbc_this-code-was-never-issued')
    expect(await notice()).toMatch(/^Cartback does not know this connect code/)
    const closed = await freePort()
    await submitConnect(`https://127.0.0.1:${closed}`, await issueCode())
    expect(await notice()).toContain(`Could not reach Cartback at https://127.0.0.1:${closed}`)
    expect(option('cartback_store_id')).toBeNull()
    expect(webhooks()).toEqual([])
  })

  it("WooCommerce's authorize endpoint sends a visitor to log in and wants an https callback", async () => {
    const authorize = (callback: string) =>
      `${site.url}/wc-auth/v1/authorize?${new URLSearchParams({
        app_name: 'Cartback',
        scope: 'read_write',
        user_id: store.id,
        return_url: `${site.url}/wp-admin/`,
        callback_url: callback,
      })}`
    const visitor = await browser.newPage()
    await visitor.goto(authorize(`${proxy.url}/v1/connect/wc-auth/x/y`))
    expect(visitor.url()).toContain(`${site.url}/wp-login.php?redirect_to=`)
    await visitor.close()
    const insecure = await page.goto(authorize(`http://127.0.0.1:1/callback`))
    expect(insecure?.status()).toBe(401)
    expect(await page.textContent('body')).toContain(
      'Error: The callback_url needs to be over SSL.',
    )
    const scope = await page.goto(authorize(`${proxy.url}/cb`).replace('read_write', 'admin'))
    expect(scope?.status()).toBe(401)
    expect(await page.textContent('body')).toContain('Error: Invalid scope admin.')
  })

  it('a denied approval says coupons will not work; connecting again and approving works', async () => {
    const code = await issueCode()
    await submitConnect(proxy.url, code)
    // WooCommerce's own approve screen, on this site.
    expect(page.url()).toContain(`${site.url}/wc-auth/v1/authorize`)
    expect(await page.locator('h1').innerText()).toBe(
      'Cartback would like to connect to your store',
    )
    await page.screenshot({ path: shot('wordpress-wc-auth-approve'), fullPage: true })
    await Promise.all([page.waitForURL(/page=cartback/), page.click('a.wc-auth-deny')])
    expect(page.url()).toContain('success=0')
    expect(await notice()).toMatch(/^You did not approve Cartback on WooCommerce's screen/)
    expect(keys()).toEqual([])
    expect((await storeView()).woocommerceApiConfigured).toBe(false)
    // The code was used by that connect: pasting it again is refused.
    await submitConnect(proxy.url, code)
    expect(await notice()).toMatch(/^Cartback does not know this connect code/)

    await connectAndApprove()
    expect(page.url()).toContain('success=1')
    expect(await notice()).toBe(
      'WooCommerce granted Cartback its REST keys: coupons for incentives will work.',
    )
    const hooks = webhooks()
    expect(hooks.map((h) => h.topic).sort()).toEqual(['order.created', 'order.updated'])
    for (const h of hooks) {
      expect(h).toMatchObject({
        status: 'active',
        api_version: '3',
        secret: store.woocommerceWebhookSecret,
        delivery_url: `${proxy.url}/webhooks/woocommerce/${store.id}`,
        failure_count: '0',
        user_id: '1',
      })
    }
    // Cartback answered WooCommerce's ping (webhook_id=N): the pinged webhook is no longer pending.
    expect(hooks.some((h) => h.pending_delivery === '0')).toBe(true)
    expect(option('cartback_webhook_ids')).toEqual(hooks.map((h) => Number(h.webhook_id)))
    // WooCommerce made a key (only its hash stored) and posted it to Cartback, which kept it.
    const [key, ...more] = keys()
    expect(more).toEqual([])
    expect(key?.description).toMatch(/^Cartback - API \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\)$/)
    expect(key?.permissions).toBe('read_write')
    expect(key?.consumer_key).toMatch(/^[0-9a-f]{64}$/)
    expect((await storeView()).woocommerceApiConfigured).toBe(true)
    token = String(option('cartback_api_token'))

    // Approving the same link again: Cartback refuses the second grant, so WooCommerce shows its
    // own error and deletes the key it had just made; the first key stays.
    await page.goBack()
    await page.waitForURL(/wc-auth\/v1\/authorize/)
    const [denied] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/wc-auth/v1/access_granted')),
      page.click('a.wc-auth-approve'),
    ])
    expect(denied.status()).toBe(401)
    expect(await page.textContent('body')).toContain(
      'Error: An error occurred in the request and at the time were unable to send the consumer data.',
    )
    expect(keys().map((k) => k.key_id)).toEqual([key?.key_id])
  })

  it("an order saved with WC_Order reaches Cartback through WooCommerce's signed webhook", async () => {
    const beacon = (body: object) =>
      fetch(`${worker.url}/v1/events`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: site.url },
        body: JSON.stringify({ store: store.publishableKey, cart, ...body }),
      })
    const items = [{ id: 'tee', name: 'Ocean Tee', price: 2400, quantity: 2 }]
    expect((await beacon({ type: 'cart', items, currency: 'USD' })).status).toBe(202)
    const consent = { sms: true, text: String(option('cartback_consent_text')) }
    const contact = { email, phone: '(415) 555-2671' }
    const ticked = await beacon({
      type: 'contact',
      contact,
      consent,
      page: `${site.url}/checkout/`,
    })
    expect(ticked.status).toBe(202)
    const id = site.php(`$order = new WC_Order();
$order->set_status( 'processing' );
$order->set_total( '48.00' );
$order->set_billing_email( '${email}' );
$order->update_meta_data( '_cartback_cart', '${cart}' );
echo $order->save();`)
    const detail = await until('the order on the cart', async () => {
      const d = (await worker.api<{ order: { id: string } | null }>(`/carts/${store.id}/${cart}`))
        .body
      return d.order ? d : undefined
    })
    expect(detail.order?.id).toBe(id.trim())
    expect(webhooks().every((h) => h.failure_count === '0')).toBe(true)
  })

  it('shows the connection from Cartback and the webhooks from WooCommerce; test event', async () => {
    // Cartback's status reads the order rows its webhook wrote (projected to D1 after the cart).
    await until('Cartback to record the webhook', async () => {
      const s = await worker.api<{ lastWebhookAt: string | null }>(`/stores/${store.id}/connection`)
      return s.body.lastWebhookAt ?? undefined
    })
    await settings()
    const card = page.locator('.card').first()
    expect(await card.innerText()).toContain('Harbor Goods')
    expect(await page.locator('.cartback-webhooks-ok').innerText()).toBe(
      'Both webhooks are delivering.',
    )
    const lastEvent = page.locator('tr', { hasText: 'Last event received' }).locator('td')
    await Promise.all([
      page.waitForURL(/page=cartback/),
      page.getByRole('button', { name: 'Send a test event' }).click(),
    ])
    expect(await notice()).toBe(
      "Cartback received the test event. It shows as the store's last event below.",
    )
    // In the site's date format, and how long ago: the test event is seconds old.
    expect(await lastEvent.innerText()).toMatch(/ \(\d+ seconds? ago\)$/)
    expect(
      await page.locator('tr', { hasText: 'Last webhook delivered' }).locator('td').innerText(),
    ).toMatch(/ \((\d+ seconds?|1 min) ago\)$/)
    await page.screenshot({ path: shot('wordpress-plugin-settings'), fullPage: true })

    // Cartback is moved away from order.created's URL (through WooCommerce's own WC_Webhook):
    // deliveries fail, WooCommerce counts them and turns the webhook off after more than 5.
    const closed = await freePort()
    site.php(`$ids = get_option( 'cartback_webhook_ids' );
foreach ( $ids as $id ) {
	$w = wc_get_webhook( $id );
	if ( 'order.created' === $w->get_topic() ) { $w->set_delivery_url( 'http://127.0.0.1:${closed}/gone' ); $w->save(); }
}`)
    const order = `$o = new WC_Order(); $o->set_status( 'processing' ); $o->save();`
    site.php(order)
    await settings()
    expect(await page.locator('.cartback-webhooks-failing').innerText()).toBe(
      '1 webhook is failing: orders may not reach Cartback.',
    )
    expect(await page.locator('.cartback-webhooks').innerText()).toMatch(
      /order\.created\s+The last delivery failed \(1 in a row\)/,
    )
    site.php(`for ( $i = 0; $i < 6; $i++ ) { ${order} }`)
    const created = webhooks().find((h) => h.topic === 'order.created')
    expect(created).toMatchObject({ status: 'disabled', failure_count: '6' })
    await settings()
    expect(await page.locator('.cartback-webhooks').innerText()).toContain(
      'WooCommerce turned it off after repeated failed deliveries.',
    )
    await page.screenshot({ path: shot('wordpress-plugin-webhook-failing'), fullPage: true })
  })

  it("exports and erases the shopper through WordPress's privacy tools; consent is kept", async () => {
    // As wp-admin's ajax handlers do: a request, then each exporter/eraser page by page.
    const run = (kind: 'exporters' | 'erasers') =>
      site.json<{ data?: unknown[]; messages?: string[]; removed: boolean; pages: number }>(`
wp_create_user_request( '${email}', '${kind === 'exporters' ? 'export' : 'remove'}_personal_data' );
$all = apply_filters( 'wp_privacy_personal_data_${kind}', array() );
$out = array( 'data' => array(), 'messages' => array(), 'removed' => false, 'pages' => 0 );
for ( $page = 1; $page < 50; $page++ ) {
	$r = call_user_func( $all['cartback']['callback'], '${email}', $page );
	if ( ! is_array( $r ) || ! isset( $r['done'] ) ) { echo wp_json_encode( array( 'error' => $r ) ); exit; }
	$out['pages'] = $page;
	$out['data'] = array_merge( $out['data'], $r['data'] ?? array() );
	$out['messages'] = array_merge( $out['messages'], $r['messages'] ?? array() );
	$out['removed'] = $out['removed'] || ! empty( $r['items_removed'] );
	if ( $r['done'] ) break;
}
echo wp_json_encode( $out );`)
    // The carts of an address are found in D1, where the cart's contact is projected.
    await until('the cart under the address', async () => {
      const res = await worker.api<{ carts: { cartId: string }[] }>(
        `/stores/${store.id}/privacy/export`,
        { method: 'POST', body: JSON.stringify({ email }) },
      )
      return res.body.carts?.some((c) => c.cartId === cart) ? true : undefined
    })
    const exported = run('exporters')
    expect(JSON.stringify(exported.data)).toContain(cart)
    expect(JSON.stringify(exported.data)).toContain('cartback-kept')
    expect(JSON.stringify(exported.data)).toContain('cartback-consent')
    const erased = run('erasers')
    expect(erased.removed).toBe(true)
    // WordPress shows the eraser's messages to the admin: the consent evidence stays, and why.
    expect(erased.messages).toEqual([
      expect.stringMatching(/^Cartback kept \d+ consent record\(s\): .*proof of consent/),
    ])
    const again = run('exporters')
    expect(JSON.stringify(again.data)).not.toContain(cart)
    // The consent evidence itself is still in Cartback's ledger for the phone.
    const ledger = await worker.api<{ records: { granted: boolean }[] }>(
      `/contacts/${store.id}/consent?phone=${encodeURIComponent('(415) 555-2671')}&format=json`,
    )
    expect(ledger.body.records).toEqual([expect.objectContaining({ granted: true })])
  })

  it('disconnects: webhooks and keys gone from WooCommerce, Cartback forgot them', async () => {
    await settings()
    await Promise.all([
      page.waitForURL(/page=cartback/),
      page.getByRole('button', { name: 'Disconnect' }).click(),
    ])
    expect(await notice()).toMatch(/^Disconnected/)
    await expectDisconnected(token)
  })

  it("deleting the plugin (WordPress's uninstall_plugin) removes its options, webhooks and keys", async () => {
    await connectAndApprove()
    expect(webhooks()).toHaveLength(2)
    expect(keys()).toHaveLength(1)
    token = String(option('cartback_api_token'))
    const left = site.json<{
      options: string[]
    }>(`require_once ABSPATH . 'wp-admin/includes/plugin.php';
deactivate_plugins( 'cartback/cartback.php' );
uninstall_plugin( 'cartback/cartback.php' );
global $wpdb;
echo wp_json_encode( array( 'options' => $wpdb->get_col( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE 'cartback%'" ) ) );`)
    expect(left.options).toEqual([])
    await expectDisconnected(token)
  })
})
