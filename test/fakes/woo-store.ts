import { createHmac, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { applyError, type WooCoupon, type WooRestMode, wooCouponsRest } from './woo-coupon'

const require = createRequire(import.meta.url)
const JQUERY = readFileSync(require.resolve('jquery/dist/jquery.min.js'), 'utf8')

type Product = { id: number; name: string; price: number; inStock: boolean }
type Line = { id: number; quantity: number }
/** `billingEmail`: what WooCommerce's customer session knows, from `update-customer` only. */
type Session = { lines: Line[]; coupons: string[]; billingEmail: string | null }
export type PlacedOrder = { id: number; total: number; cartbackCart: string | null }

const STORE_API = '/wp-json/wc/store/v1/cart'
const REST_MODE: WooRestMode = { expiry: 'stored', hangOn: null }

/**
 * A local fake WooCommerce storefront, as close to the real one as the script can tell:
 * - sessions by cookie (`wp_woocommerce_session_fake`) or `Cart-Token` header;
 * - the Store API cart (prices as strings in minor units), `add-item`, `update-customer` and
 *   `apply-coupon`, which refuse a POST without a valid `Nonce` (cookie session) or `Cart-Token`,
 *   as WooCommerce does; `apply-coupon` checks usage limit, expiry and email restrictions
 *   against the session's billing email, as WooCommerce 8.6+ does (woo-coupon.ts);
 * - the REST API's coupons (`wc/v3/coupons`: POST, GET `?code=`, GET/PUT `/<id>`, Basic auth) for
 *   Cartback's incentive coupons, stored as WooCommerce stores them (woo-coupon.ts); an order
 *   counts a use of its coupons;
 * - classic pages (jQuery events, `#billing_*` fields inside `p.form-row`; `?nojquery` without
 *   jQuery), Blocks pages (`wc-blocks_*` DOM events, fields rendered late and re-rendered like
 *   React's; `?wp=` for WordPress's half-there globals), the order-received page;
 * - placing an order stores `_cartback_cart` from the cookie (what the README's PHP snippet
 *   does) and, when a webhook is configured, sends the signed `order.created` webhook.
 */
export async function fakeWooStore(opts: {
  scriptUrl: string
  storeKey: () => string
  consumer?: { key: string; secret: string }
  webhook?: () => { url: string; secret: string } | null
}) {
  const catalog: Record<string, Product> = {
    '11': { id: 11, name: 'Ocean Tee', price: 2400, inStock: true },
    '12': { id: 12, name: 'Sunrise Mug', price: 1600, inStock: true },
    '13': { id: 13, name: 'Harbor Cap', price: 1800, inStock: true },
  }
  const sessions = new Map<string, Session>()
  const nonces = new Set<string>()
  const coupons = new Map<string, WooCoupon>()
  const orders: PlacedOrder[] = []
  /**
   * `cookieless`: sessions only by Cart-Token, as for a browser that keeps no cookies.
   * `refuseNextNonce`: the next nonce-checked POST fails as a stale nonce does.
   */
  const mode = { cookieless: false, refuseNextNonce: false }
  const webhooks: { status: number }[] = []
  let orderId = 4000

  /** Every Store API path the pages asked for (plain permalinks show as `rest_route`). */
  const apiHits: string[] = []
  const page = (
    body: string,
    jquery = false,
    plain = false,
    globals = '',
    tagAttrs = '',
  ) => `<!doctype html><html><head><title>Woo</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <link rel="https://api.w.org/" href="${plain ? '/?rest_route=/' : '/wp-json/'}">
    ${globals ? `<script>${globals}</script>` : ''}
    ${jquery ? '<script src="/jquery.js"></script>' : ''}
    <script async src="${opts.scriptUrl}" data-store="${opts.storeKey()}" data-platform="woocommerce"${tagAttrs}></script>
    <style>body{font:16px/1.5 system-ui;margin:24px;max-width:640px}input{display:block;padding:6px;margin:4px 0 12px;width:100%}.wc-block-components-text-input{display:flex;flex-direction:column-reverse}</style>
    </head><body class="woocommerce">${body}</body></html>`

  const cookies = (req: IncomingMessage) =>
    Object.fromEntries(
      (req.headers.cookie ?? '').split(/;\s*/).map((c) => c.split('=') as [string, string]),
    )
  /** The shopper's session: by Cart-Token, else by cookie, else a new one (cookie set). */
  const session = (req: IncomingMessage, res: ServerResponse): [string, Session] => {
    const token = req.headers['cart-token']
    const id =
      typeof token === 'string' && sessions.has(token.replace(/^ct_/, ''))
        ? token.replace(/^ct_/, '')
        : mode.cookieless
          ? undefined
          : cookies(req).wp_woocommerce_session_fake
    if (id && sessions.has(id)) return [id, sessions.get(id) as Session]
    const fresh = randomBytes(8).toString('hex')
    sessions.set(fresh, { lines: [], coupons: [], billingEmail: null })
    if (!mode.cookieless)
      res.setHeader('Set-Cookie', `wp_woocommerce_session_fake=${fresh}; Path=/; SameSite=Lax`)
    return [fresh, sessions.get(fresh) as Session]
  }
  const cartJson = (host: string, s: Session) => {
    const items = s.lines.map((l) => {
      const p = catalog[String(l.id)] as Product
      return {
        id: p.id,
        name: p.name,
        quantity: l.quantity,
        permalink: `http://${host}/product/${p.id}`,
        images: [{ src: `http://${host}/img/${p.id}.png` }],
        variation: [],
        prices: { price: String(p.price), currency_code: 'USD', currency_minor_unit: 2 },
      }
    })
    const subtotal = items.reduce((t, i) => t + Number(i.prices.price) * i.quantity, 0)
    const discount = s.coupons.reduce((d, code) => {
      const c = coupons.get(code)
      if (!c) return d
      return (
        d +
        (c.discount_type === 'percent'
          ? Math.round((subtotal * Number(c.amount)) / 100)
          : Math.round(Number(c.amount) * 100))
      )
    }, 0)
    return {
      items,
      coupons: s.coupons.map((code) => ({ code, totals: { total_discount: String(discount) } })),
      totals: {
        total_items: String(subtotal),
        total_discount: String(discount),
        total_price: String(Math.max(0, subtotal - discount)),
        currency_code: 'USD',
        currency_minor_unit: 2,
      },
    }
  }
  const error = (res: ServerResponse, status: number, code: string, message: string) => {
    res.writeHead(status, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify({ code, message, data: { status } }))
  }
  const issueNonce = (res: ServerResponse, sid: string) => {
    res.setHeader('Cart-Token', `ct_${sid}`)
    // A cookieless (token) session has no nonce: the Cart-Token alone authorises its POSTs.
    if (mode.cookieless) return
    const nonce = randomBytes(5).toString('hex')
    nonces.add(nonce)
    res.setHeader('Nonce', nonce)
  }

  const storeApi = (req: IncomingMessage, res: ServerResponse, path: string, body: string) => {
    const [sid, s] = session(req, res)
    const host = req.headers.host ?? ''
    if (req.method === 'POST') {
      // Cookie sessions need the Nonce; a Cart-Token stands in for it (headless clients).
      const nonce = req.headers.nonce
      const token = req.headers['cart-token']
      if (token !== `ct_${sid}`) {
        if (typeof nonce !== 'string')
          return error(res, 401, 'woocommerce_rest_missing_nonce', 'Missing the Nonce header.')
        if (!nonces.has(nonce) || mode.refuseNextNonce) {
          mode.refuseNextNonce = false
          return error(res, 403, 'woocommerce_rest_invalid_nonce', 'Nonce is invalid.')
        }
      }
    }
    issueNonce(res, sid)
    const input = body ? (JSON.parse(body) as Record<string, unknown>) : {}
    if (path === '' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      return res.end(JSON.stringify(cartJson(host, s)))
    }
    if (path === '/add-item' && req.method === 'POST') {
      const p = catalog[String(input.id)]
      if (!p) return error(res, 400, 'woocommerce_rest_cart_invalid_product', 'No such product.')
      if (!p.inStock) {
        return error(
          res,
          400,
          'woocommerce_rest_product_out_of_stock',
          `You cannot add &quot;${p.name}&quot; to the cart because the product is out of stock.`,
        )
      }
      const line = s.lines.find((l) => l.id === p.id)
      const quantity = Number(input.quantity ?? 1)
      if (line) line.quantity += quantity
      else s.lines.push({ id: p.id, quantity })
      res.writeHead(201, { 'Content-Type': 'application/json' })
      return res.end(JSON.stringify(cartJson(host, s)))
    }
    if (path === '/update-customer' && req.method === 'POST') {
      const email = (input.billing_address as { email?: unknown } | undefined)?.email
      if (typeof email === 'string') s.billingEmail = email
      res.writeHead(200, { 'Content-Type': 'application/json' })
      return res.end(JSON.stringify(cartJson(host, s)))
    }
    if (path === '/apply-coupon' && req.method === 'POST') {
      const code = String(input.code ?? '').toLowerCase()
      const coupon = coupons.get(code)
      if (!coupon)
        return error(
          res,
          400,
          'woocommerce_rest_cart_coupon_error',
          `Coupon "${code}" does not exist!`,
        )
      const refused = applyError(coupon, s)
      if (refused) return error(res, 400, 'woocommerce_rest_cart_coupon_error', refused)
      if (!s.coupons.includes(code)) s.coupons.push(code)
      res.writeHead(200, { 'Content-Type': 'application/json' })
      return res.end(JSON.stringify(cartJson(host, s)))
    }
    return error(res, 404, 'rest_no_route', 'No route was found.')
  }

  const restCoupons = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const c = opts.consumer
    const auth = c ? `Basic ${Buffer.from(`${c.key}:${c.secret}`).toString('base64')}` : null
    if (!auth || req.headers.authorization !== auth)
      return error(res, 401, 'woocommerce_rest_cannot_create', 'Sorry, you are not allowed.')
    const method = req.method ?? ''
    const answer = wooCouponsRest(coupons, { method, path: req.url ?? '', body }, REST_MODE)
    if (answer === 'hang') return
    if (!answer) return error(res, 404, 'rest_no_route', 'No route was found.')
    res.writeHead(answer.status, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify(answer.body))
  }

  const placeOrder = async (req: IncomingMessage, res: ServerResponse) => {
    const [sid, s] = session(req, res)
    const total = Number(cartJson(req.headers.host ?? '', s).totals.total_price)
    const cartbackCart = cookies(req).cartback_cart ?? null
    const order = { id: ++orderId, total, cartbackCart }
    orders.push(order)
    for (const code of s.coupons) {
      const used = coupons.get(code)
      if (used) used.usage_count++
    }
    sessions.set(sid, { lines: [], coupons: [], billingEmail: null })
    const hook = opts.webhook?.()
    if (hook) {
      const payload = JSON.stringify({
        id: order.id,
        status: 'processing',
        currency: 'USD',
        total: (total / 100).toFixed(2),
        date_paid_gmt: new Date().toISOString().slice(0, 19),
        billing: {},
        meta_data: cartbackCart ? [{ id: 1, key: '_cartback_cart', value: cartbackCart }] : [],
      })
      const r = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-WC-Webhook-Topic': 'order.created',
          'X-WC-Webhook-Signature': createHmac('sha256', hook.secret)
            .update(payload)
            .digest('base64'),
        },
        body: payload,
      })
      webhooks.push({ status: r.status })
    }
    res.writeHead(303, { Location: `/checkout/order-received/${order.id}/?key=wc_order_x` })
    res.end()
  }

  // The Blocks checkout renders its form after the scripts run, as React does, and renders it
  // again later: `renderCheckout()` replaces the whole form (anything added to it goes too),
  // `replaceInputs()` only the inputs (new nodes, same ids), as after an address change.
  const blocksCheckout = `<h1>Checkout</h1><div id="checkout"></div>
    <script>
      const renderCheckout = () => { document.getElementById('checkout').innerHTML = \`
      <form method="post" action="/place-order">
        <div class="wc-block-components-text-input"><input id="email" type="email"><label for="email">Email address</label></div>
        <div class="wc-block-components-text-input"><input id="billing-first_name"><label for="billing-first_name">First name</label></div>
        <div class="wc-block-components-text-input wc-block-components-address-form__phone"><input id="billing-phone" type="tel"><label for="billing-phone">Phone</label></div>
        <button id="place">Place order</button>
      </form>\` }
      const replaceInputs = () =>
        document.querySelectorAll('#checkout input:not([type=checkbox])').forEach((i) => i.replaceWith(i.cloneNode()))
      setTimeout(renderCheckout, 300)
    </script>`
  /**
   * What real WordPress pages leave on `window` before the store's footer scripts (`?wp=`):
   * WordPress's emoji script, wp-hooks and wp-i18n make `window.wp` without `wp.data` (issue 11);
   * WooCommerce adds `wcSettings` and `wc`.
   */
  const wpGlobals = (variant: string | null) => {
    const wp = {
      empty: '{}',
      hooks: '{ hooks: {} }',
      // A theme's or plugin's stand-ins that throw when used (`?wp=broken`).
      broken: `{ data: { select() { throw new Error('no such store') }, subscribe() { throw new Error('not ready') } } };
        window.jQuery = () => { throw new Error('not jQuery') }`,
    }[variant ?? '']
    return wp
      ? `window.wp = ${wp}; window.wcSettings = { currency: { code: 'USD', minorUnit: 2 } };
         window.wc = { wcSettings: {}, wcBlocksData: { CART_STORE_KEY: 'wc/store/cart' } }`
      : ''
  }
  const classicCheckout = `<h1>Checkout</h1><form method="post" action="/place-order">
      <p class="form-row" id="billing_email_field"><label for="billing_email">Email</label><span class="woocommerce-input-wrapper"><input id="billing_email" type="email"></span></p>
      <p class="form-row" id="billing_first_name_field"><label for="billing_first_name">First name</label><span class="woocommerce-input-wrapper"><input id="billing_first_name"></span></p>
      <p class="form-row" id="billing_last_name_field"><label for="billing_last_name">Last name</label><span class="woocommerce-input-wrapper"><input id="billing_last_name"></span></p>
      <p class="form-row" id="billing_phone_field"><label for="billing_phone">Phone</label><span class="woocommerce-input-wrapper"><input id="billing_phone" type="tel"></span></p>
      <button id="place">Place order</button></form>`

  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => {
      body += c
    })
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x')
      const html = (s: string) => {
        res.writeHead(200, { 'Content-Type': 'text/html' })
        res.end(s)
      }
      const path = url.pathname
      if (path === '/jquery.js') {
        res.writeHead(200, { 'Content-Type': 'text/javascript' })
        return res.end(JQUERY)
      }
      const route = url.searchParams.get('rest_route')
      if (path.startsWith(STORE_API)) {
        apiHits.push(path)
        return storeApi(req, res, path.slice(STORE_API.length), body)
      }
      if (route?.startsWith('/wc/store/v1/cart')) {
        apiHits.push(`rest_route=${route}`)
        return storeApi(req, res, route.slice('/wc/store/v1/cart'.length), body)
      }
      if (path.startsWith('/wp-json/wc/v3/coupons')) return restCoupons(req, res, body)
      if (path === '/add' && req.method === 'POST') {
        const [, s] = session(req, res)
        const id = Number(url.searchParams.get('id'))
        const line = s.lines.find((l) => l.id === id)
        if (line) line.quantity++
        else if (catalog[String(id)]) s.lines.push({ id, quantity: 1 })
        res.writeHead(204)
        return res.end()
      }
      if (path === '/remove' && req.method === 'POST') {
        const [, s] = session(req, res)
        const id = Number(url.searchParams.get('id'))
        s.lines = s.lines.filter((l) => l.id !== id)
        res.writeHead(204)
        return res.end()
      }
      if (path === '/place-order' && req.method === 'POST') return void placeOrder(req, res)
      if (path === '/classic')
        return html(
          page(
            `<h1>Ocean Tee</h1><button id="add" onclick="fetch('/add?id=11',{method:'POST'}).then(()=>jQuery(document.body).trigger('added_to_cart'))">Add to cart</button>
             ${classicCheckout}`,
            true,
          ),
        )
      if (path === '/blocks')
        return html(
          page(`<h1>Sunrise Mug</h1><button id="add" onclick="fetch('/add?id=12',{method:'POST'}).then(()=>document.body.dispatchEvent(new Event('wc-blocks_added_to_cart')))">Add to cart</button>
             <button id="remove" onclick="fetch('/remove?id=12',{method:'POST'}).then(()=>document.body.dispatchEvent(new Event('wc-blocks_removed_from_cart')))">Remove</button>
             <button id="more" onclick="fetch('/add?id=12',{method:'POST'}).then(load)">+1 (Blocks cart, no DOM event)</button>
             <script>
               // The Blocks data store (wp.data 'wc/store/cart'): hydrated at load, updated by the
               // cart block's quantity buttons, which raise no DOM event.
               window.wp = { data: (() => {
                 const subs = []; let data = { items: [] }
                 return { subscribe: (f) => subs.push(f), select: () => ({ getCartData: () => data }),
                   set: (d) => { data = d; subs.forEach((f) => f()) } }
               })() }
               const load = () => fetch('/wp-json/wc/store/v1/cart').then((r) => r.json())
                 .then((c) => wp.data.set({ items: c.items.map((i) => ({ key: 'k' + i.id, quantity: i.quantity })) }))
               addEventListener('load', load)
             </script>
             <form><input id="email"><input id="billing-phone"><input id="billing-first_name"><input id="billing-last_name"></form>`),
        )
      if (path === '/checkout/')
        return html(page(blocksCheckout, false, false, wpGlobals(url.searchParams.get('wp'))))
      // The Cartback plugin's checkout: its script tag says so, and its consent field is one of
      // WooCommerce's classic checkout fields (a checkbox row, as woocommerce_form_field renders it).
      if (path === '/plugin-checkout/')
        return html(
          page(
            classicCheckout.replace(
              '<button id="place">',
              `<p class="form-row" id="cartback_sms_consent_field"><span class="woocommerce-input-wrapper"><label class="checkbox"><input type="checkbox" class="input-checkbox" name="cartback_sms_consent" id="cartback_sms_consent" value="1"> ${url.searchParams.get('text') ?? ''}</label></span></p><button id="place">`,
            ),
            true,
            false,
            '',
            ' data-consent-field="plugin"',
          ),
        )
      if (path === '/classic-checkout/')
        return html(page(classicCheckout, !url.searchParams.has('nojquery')))
      if (path.startsWith('/checkout/order-received/'))
        return html(page('<h1>Order received</h1><p>Thank you.</p>'))
      if (path === '/')
        return html(page('<h1>Welcome to the Woo Shop</h1>', false, url.searchParams.has('plain')))
      res.writeHead(404)
      res.end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    catalog,
    coupons,
    mode,
    apiHits,
    /** Every session's cart, for assertions on a session the page cannot show. */
    carts: () => [...sessions.values()],
    orders,
    webhooks,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}
