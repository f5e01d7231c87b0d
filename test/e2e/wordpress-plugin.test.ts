// The WordPress plugin's own PHP (admin actions, connect, webhooks, privacy) run by `php` against
// a real Worker under `wrangler dev`, with a small stand-in for the WordPress and WooCommerce
// functions it calls (test/php/plugin-harness.php). Each step is one PHP process, as each admin
// request is one in WordPress; options and webhooks carry over in a state file, as in the database.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  checkoutMeta,
  deliver,
  type Erased,
  type Exported,
  wp as harness,
  hasPhp,
  type Run,
  SITE,
} from '../wordpress'
import { startWorker, until, type Worker } from '../worker'

// CI installs php (.ci/run); only a developer's machine without it may skip, and says why.
if (!hasPhp && process.env.CI === 'true')
  throw new Error('php is not installed: .ci/run installs php-cli')
if (!hasPhp) console.warn('wordpress-plugin.test: php is not installed here, skipped')

type Store = {
  id: string
  name: string
  publishableKey: string
  woocommerceWebhookSecret: string
  woocommerceApiConfigured: boolean
  allowedOrigins: string[]
  settings: { storefront: { smsDisclosure: string } }
}

let worker: Worker
let dir: string
let store: Store
const wp = <T = unknown>(...args: string[]) => harness<T>(join(dir, 'state.json'), ...args)

const storeView = async () => (await worker.api<Store>(`/stores/${store.id}`)).body

beforeAll(async () => {
  if (!hasPhp) return
  dir = mkdtempSync(join(tmpdir(), 'cartback-wp-'))
  // A site with pretty permalinks, so WooCommerce's authorize screen is /wc-auth/v1/authorize.
  writeFileSync(
    join(dir, 'state.json'),
    JSON.stringify({ options: { permalink_structure: '/%postname%/' } }),
  )
  worker = await startWorker()
  const created = await worker.api<Store>('/stores', {
    method: 'POST',
    body: JSON.stringify({
      name: 'Harbor Goods',
      url: `${SITE}/`,
      currency: 'USD',
      // Not the site's own origin: connect adds it.
      allowedOrigins: ['https://old.wp.example'],
    }),
  })
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  store = created.body
}, 120_000)

afterAll(async () => {
  await worker?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(!hasPhp)('the WordPress plugin against wrangler dev', () => {
  const email = 'shopper@example.com'
  let connected: Run
  let token: string

  it('connects with a code: options saved, two v3 webhooks, then WooCommerce app authorization', async () => {
    const issued = await worker.api<{ code: string }>(`/stores/${store.id}/connect-codes`, {
      method: 'POST',
    })
    expect(issued.status).toBe(201)
    connected = wp('connect', `${worker.url}/`, issued.body.code)
    expect(connected.notice?.[0]).toBe('success')

    const o = connected.state.options
    token = String(o.cartback_api_token)
    expect(o).toMatchObject({
      cartback_url: worker.url,
      cartback_store_id: store.id,
      cartback_store_name: 'Harbor Goods',
      cartback_publishable_key: store.publishableKey,
      cartback_webhook_secret: store.woocommerceWebhookSecret,
      cartback_script_url: `${worker.url}/v1/cartback.js`,
      cartback_consent_text: store.settings.storefront.smsDisclosure.replaceAll(
        '{store}',
        store.name,
      ),
      cartback_wc_auth_app: 'Cartback',
    })
    expect(token).toMatch(/\S{20,}/)
    // The token is Cartback's: it reads this store.
    const seen = await fetch(`${worker.url}/api/v1/stores/${store.id}/connection`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(seen.status).toBe(200)
    expect(await seen.json()).toMatchObject({
      store: { id: store.id },
      plugin: { siteUrl: `${SITE}/` },
    })

    const hooks = Object.values(connected.state.webhooks)
    expect(hooks.map((h) => h.topic).sort()).toEqual(['order.created', 'order.updated'])
    for (const h of hooks) {
      expect(h).toMatchObject({
        delivery_url: `${worker.url}/webhooks/woocommerce/${store.id}`,
        secret: store.woocommerceWebhookSecret,
        api_version: 'wp_api_v3',
        status: 'active',
        user_id: 1,
      })
    }
    expect(o.cartback_webhook_ids).toEqual(hooks.map((h) => h.id))
    // Connect allowed the site's origin for the storefront script's beacons.
    expect((await storeView()).allowedOrigins).toContain(SITE)

    // The admin is sent to WooCommerce's own "connect an app" screen on this site.
    const authorize = new URL(connected.redirect ?? '')
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${SITE}/wc-auth/v1/authorize`)
    const q = Object.fromEntries(authorize.searchParams)
    expect(q).toMatchObject({
      app_name: 'Cartback',
      scope: 'read_write',
      user_id: store.id,
      return_url: `${SITE}/wp-admin/admin.php?page=cartback&cartback_wc_auth=1`,
    })
    expect(q.callback_url).toMatch(
      new RegExp(`^${worker.url}/v1/connect/wc-auth/${store.id}/[A-Za-z0-9._-]+$`),
    )

    // The code is single-use: pasting it again says so in plain words and changes nothing.
    const again = wp('connect', worker.url, issued.body.code)
    expect(again.notice).toEqual([
      'error',
      expect.stringMatching(/^Cartback does not know this connect code/),
    ])
    expect(again.state.options).toEqual(connected.state.options)
    expect(again.state.webhooks).toEqual(connected.state.webhooks)
  })

  it("WooCommerce posts the keys to the plugin's callback_url; Cartback keeps them", async () => {
    expect((await storeView()).woocommerceApiConfigured).toBe(false)
    const callback = new URL(connected.redirect ?? '').searchParams.get('callback_url') ?? ''
    // WC_Auth::create_keys → post_consumer_data: JSON, key_id, the user_id it was given. The test
    // posts it: real WC_Auth refuses a callback_url that is not https (and wp_safe_remote_post a
    // loopback address), so a real store needs its Cartback at a public https URL.
    const hex = () => Buffer.from(crypto.getRandomValues(new Uint8Array(20))).toString('hex')
    const res = await fetch(callback, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json;charset=UTF-8' },
      body: JSON.stringify({
        key_id: 12,
        user_id: store.id,
        consumer_key: `ck_${hex()}`,
        consumer_secret: `cs_${hex()}`,
        key_permissions: 'read_write',
      }),
    })
    expect(res.status).toBe(200)
    expect((await storeView()).woocommerceApiConfigured).toBe(true)
  })

  it("exports and erases a shopper through WordPress's privacy tools; consent is kept", async () => {
    const cart = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
    const beacon = (body: object) =>
      fetch(`${worker.url}/v1/events`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: SITE },
        body: JSON.stringify({ store: store.publishableKey, cart, ...body }),
      })
    const items = [{ id: 'tee', name: 'Ocean Tee', price: 2400, quantity: 2 }]
    expect((await beacon({ type: 'cart', items, currency: 'USD' })).status).toBe(202)
    const text = String(connected.state.options.cartback_consent_text)
    const contact = await beacon({
      type: 'contact',
      contact: { email, phone: '(415) 555-2671' },
      consent: { sms: true, text },
      page: `${SITE}/checkout/`,
    })
    expect(contact.status).toBe(202)
    // The shopper orders: the plugin's checkout code (the other harness) puts the cart id from
    // the cookie on the order, and WooCommerce delivers it to the webhook the plugin created.
    const meta = checkoutMeta({
      options: { cartback_consent_text: text },
      cookies: { cartback_cart: cart },
      order: { phone: '+14155552671', ip: '203.0.113.9', ua: 'Firefox/140' },
      posted: { cartback_sms_consent: 1 },
    })
    expect(meta._cartback_cart).toBe(cart)
    const hook = Object.values(connected.state.webhooks).find((h) => h.topic === 'order.created')!
    const delivered = await deliver(hook, {
      id: 5001,
      status: 'processing',
      currency: 'USD',
      total: '48.00',
      date_created_gmt: new Date().toISOString().slice(0, 19),
      billing: { email, phone: '(415) 555-2671' },
      meta_data: Object.entries(meta).map(([key, value], i) => ({ id: i + 1, key, value })),
      line_items: [{ id: 1, name: 'Ocean Tee' }],
    })
    expect(delivered.status).toBe(200)

    const exported = await until('the ordered cart in the export', async () => {
      const run = wp<Exported>('export', email)
      const order = run.result.data
        .find((d) => d.group_id === 'cartback-carts')
        ?.data.find((p) => p.name === 'order')?.value
      return order && String(JSON.parse(order).id) === '5001' ? run.result : undefined
    })
    expect(exported.done).toBe(true)
    const cartItem = exported.data.find((d) => d.group_id === 'cartback-carts')
    expect(JSON.stringify(cartItem?.data)).toContain('Ocean Tee')
    expect(JSON.stringify(cartItem?.data)).toContain(cart)
    // The SMS consent given on that cart (kept under the phone) is the person's too.
    const consent = exported.data.filter((d) => d.group_id === 'cartback-consent')
    expect(consent).toHaveLength(1)
    expect(JSON.stringify(consent[0]?.data)).toContain(JSON.stringify(text).slice(1, -1))
    const kept = exported.data.find((d) => d.group_id === 'cartback-kept')
    expect(kept?.data[0]?.value).toMatch(/kept for 4 years as proof of consent/)

    const erased = wp<Erased>('erase', email).result
    expect(erased).toEqual({
      items_removed: true,
      items_retained: true,
      messages: [expect.stringMatching(/^Cartback kept 1 consent record\(s\): .*4 years/)],
      done: true,
    })
    const again = wp<Exported>('export', email).result
    expect(again.data.filter((d) => d.group_id === 'cartback-carts')).toEqual([])
    expect(wp<Erased>('erase', email).result.items_removed).toBe(false)
  })

  /** What WooCommerce holds on this site (users, orders), as the harness's state file keeps it. */
  const seed = (patch: object) => {
    const file = join(dir, 'state.json')
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...patch }))
  }
  const newCart = () =>
    Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url')
  const contactBeacon = (cart: string, contact: object, consent?: object) =>
    fetch(`${worker.url}/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: SITE },
      body: JSON.stringify({
        store: store.publishableKey,
        cart,
        type: 'contact',
        contact,
        ...(consent ? { consent, page: `${SITE}/checkout/` } : {}),
      }),
    })
  /** Runs a privacy tool page by page, as WordPress does, until it says done. */
  const pages = <T extends { done: boolean }>(tool: 'export' | 'erase', who: string) => {
    const runs: T[] = []
    for (let page = 1; page <= 10; page++) {
      runs.push(wp<T>(tool, who, String(page)).result)
      if (runs.at(-1)!.done) break
    }
    return runs
  }

  it("the export finds a shopper's texts under the phone of their order, not only their email", async () => {
    const who = 'phone-only@example.com'
    // The cart knows only the phone; WooCommerce's order knows the email and the phone.
    seed({ orders: [{ id: 6001, billing_email: who, billing_phone: '(415) 555-2672' }] })
    const cart = newCart()
    const text = String(connected.state.options.cartback_consent_text)
    expect(
      (await contactBeacon(cart, { phone: '(415) 555-2672' }, { sms: true, text })).status,
    ).toBe(202)
    const exported = await until('the phone cart in the export', async () => {
      const runs = pages<Exported>('export', who)
      const data = runs.flatMap((r) => r.data)
      return JSON.stringify(data).includes(cart) ? { runs, data } : undefined
    })
    // Page 1 is the email (nothing), page 2 the order's phone.
    expect(exported.runs.map((r) => r.done)).toEqual([false, true])
    const consent = exported.data.filter((d) => d.group_id === 'cartback-consent')
    expect(JSON.stringify(consent)).toContain('+14155552672')
    seed({ orders: [] })
  })

  it('erases more than 50 carts over several WordPress pages', async () => {
    const who = 'many@example.com'
    const carts = Array.from({ length: 55 }, newCart)
    for (let i = 0; i < carts.length; i += 11)
      await Promise.all(
        carts
          .slice(i, i + 11)
          .map(async (c) => expect((await contactBeacon(c, { email: who })).status).toBe(202)),
      )
    const found = await until('all 55 carts in D1', async () => {
      const runs = pages<Exported>('export', who)
      const ids = runs.flatMap((r) => r.data).filter((d) => d.group_id === 'cartback-carts')
      return ids.length === 55 ? runs : undefined
    })
    expect(found.map((r) => r.done)).toEqual([false, true])
    const erased = pages<Erased>('erase', who)
    expect(erased.map((r) => r.done)).toEqual([false, true])
    expect(erased.every((r) => r.items_removed)).toBe(true)
    const left = pages<Exported>('export', who)
    expect(left.flatMap((r) => r.data).filter((d) => d.group_id === 'cartback-carts')).toEqual([])
  }, 120_000)

  it('shows the connection status, and the test event becomes the last event', async () => {
    const before = wp('status').html ?? ''
    expect(before).toContain('Harbor Goods')
    const sent = wp('test-event')
    expect(sent.notice).toEqual([
      'success',
      "Cartback received the test event. It shows as the store's last event below.",
    ])
    const status = await (
      await fetch(`${worker.url}/api/v1/stores/${store.id}/connection`, {
        headers: { Authorization: `Bearer ${token}` },
      })
    ).json()
    expect((status as { lastEventAt: string | null }).lastEventAt).toBeTruthy()
    const after = wp('status').html ?? ''
    expect(after).toContain((status as { lastEventAt: string }).lastEventAt)
  })

  it('disconnects: options and webhooks gone, keys forgotten, the old token refused', async () => {
    const run = wp('disconnect')
    expect(run.notice?.[0]).toBe('success')
    expect(Object.keys(run.state.options).sort()).toEqual(['cartback_url', 'permalink_structure'])
    expect(run.state.webhooks).toEqual([])
    expect(run.state.queries).toEqual([
      "DELETE FROM wp_woocommerce_api_keys WHERE description LIKE 'Cartback - API (%'",
    ])
    expect((await storeView()).woocommerceApiConfigured).toBe(false)
    const refused = await fetch(`${worker.url}/api/v1/stores/${store.id}/connection`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(refused.status).toBe(401)
  })
})
