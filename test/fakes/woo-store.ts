import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'

const require = createRequire(import.meta.url)
const JQUERY = readFileSync(require.resolve('jquery/dist/jquery.min.js'), 'utf8')

type Line = { id: number; name: string; price: number; quantity: number }

/**
 * A local fake WooCommerce storefront: classic pages (jQuery events, `#billing_*` fields),
 * Blocks pages (`wc-blocks_*` DOM events, `#email`, `#billing-phone`…), the order-received page,
 * and the Store API cart in its real shape (prices as strings in minor units).
 */
export async function fakeWooStore(opts: { scriptUrl: string; storeKey: () => string }) {
  const lines: Line[] = []
  const catalog: Record<string, Line> = {
    '11': { id: 11, name: 'Ocean Tee', price: 2400, quantity: 1 },
    '12': { id: 12, name: 'Sunrise Mug', price: 1600, quantity: 1 },
  }
  const page = (body: string, jquery = false) => `<!doctype html><html><head><title>Woo</title>
    ${jquery ? '<script src="/jquery.js"></script>' : ''}
    <script async src="${opts.scriptUrl}" data-store="${opts.storeKey()}" data-platform="woocommerce"></script>
    </head><body class="woocommerce">${body}</body></html>`
  const add = (id: string) => {
    const line = lines.find((l) => String(l.id) === id)
    if (line) line.quantity++
    else if (catalog[id]) lines.push({ ...catalog[id] })
  }
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const html = (s: string) => {
      res.writeHead(200, { 'Content-Type': 'text/html' })
      res.end(s)
    }
    if (url.pathname === '/jquery.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' })
      return res.end(JQUERY)
    }
    if (url.pathname === '/wp-json/wc/store/v1/cart') {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      return res.end(
        JSON.stringify({
          items: lines.map((l) => ({
            id: l.id,
            name: l.name,
            quantity: l.quantity,
            permalink: `http://${req.headers.host}/product/${l.id}`,
            images: [{ src: `http://${req.headers.host}/img/${l.id}.png` }],
            variation: [],
            prices: { price: String(l.price), currency_code: 'USD', currency_minor_unit: 2 },
          })),
          totals: {
            total_price: String(lines.reduce((s, l) => s + l.price * l.quantity, 0)),
            currency_code: 'USD',
            currency_minor_unit: 2,
          },
        }),
      )
    }
    if (url.pathname === '/add' && req.method === 'POST') {
      add(url.searchParams.get('id') ?? '')
      res.writeHead(204)
      return res.end()
    }
    if (url.pathname === '/classic') {
      return html(
        page(
          `<button id="add" onclick="fetch('/add?id=11',{method:'POST'}).then(()=>jQuery(document.body).trigger('added_to_cart'))">Add</button>
           <form><input id="billing_email"><input id="billing_phone"><input id="billing_first_name"><input id="billing_last_name"></form>`,
          true,
        ),
      )
    }
    if (url.pathname === '/blocks') {
      return html(
        page(`<button id="add" onclick="fetch('/add?id=12',{method:'POST'}).then(()=>document.body.dispatchEvent(new Event('wc-blocks_added_to_cart')))">Add</button>
           <form><input id="email"><input id="billing-phone"><input id="billing-first_name"><input id="billing-last_name"></form>`),
      )
    }
    if (url.pathname.startsWith('/checkout/order-received/')) {
      lines.length = 0
      return html(page('<h1>Order received</h1>'))
    }
    res.writeHead(404)
    res.end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lines,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}
