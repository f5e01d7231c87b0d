import type { FC } from 'hono/jsx'
import { DEMO_PRODUCTS } from '../demo/catalog'

type Props = {
  storeName: string
  config: { key: string; currency: string; disclosure: string; products: unknown[] }
  inactivitySeconds: number
}

const money = (cents: number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100)

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,sans-serif;color:#111827;background:#f8fafc}
header{background:#111827;color:#fff;padding:14px 24px;display:flex;justify-content:space-between;align-items:center}
header small{color:#9ca3af}main{max-width:1100px;margin:0 auto;padding:24px;display:grid;grid-template-columns:2fr 1fr;gap:24px}
@media(max-width:800px){main{grid-template-columns:1fr}}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:16px}
.card,.panel{background:#fff;border:1px solid #e5e7eb;border-radius:12px;padding:16px}
.card img{width:100%;height:auto;border-radius:8px;display:block}.card h3{margin:10px 0 2px;font-size:16px}
button{font:inherit;cursor:pointer;border-radius:8px;border:0;padding:8px 14px;background:#4f46e5;color:#fff}
button:disabled{background:#c7d2fe;cursor:not-allowed}button.link{background:none;color:#4f46e5;padding:0}
ul{list-style:none;margin:0;padding:0}#lines li{display:flex;justify-content:space-between;padding:6px 0;border-bottom:1px solid #f3f4f6}
label{display:block;font-weight:600;margin:10px 0 4px}input[type=email],input[type=tel],input[type=text]{width:100%;padding:8px 10px;border:1px solid #d1d5db;border-radius:8px;font:inherit}
.consent{display:flex;gap:8px;align-items:flex-start;font-weight:400;font-size:13px;color:#4b5563}
.notice{background:#ecfdf5;border:1px solid #a7f3d0;color:#065f46;padding:10px 14px;border-radius:8px;margin-bottom:16px}
.total{display:flex;justify-content:space-between;font-weight:700;margin:12px 0}
#log{font:12px/1.6 ui-monospace,monospace;color:#6b7280;max-height:160px;overflow:auto}
.muted{color:#6b7280;font-size:13px}`

/** The demo storefront page; the cart and checkout come alive with /demo/shop.js. */
export const DemoShopPage: FC<Props> = ({ storeName, config, inactivitySeconds }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{storeName} · Cartback demo</title>
      <style>{CSS}</style>
    </head>
    <body>
      <header>
        <strong>{storeName}</strong>
        <small>
          Demo storefront · carts are abandoned after {inactivitySeconds} s of inactivity ·{' '}
          <a href="/demo/outbox" style="color:#c7d2fe">
            dev outbox
          </a>
        </small>
      </header>
      <main id="shop" data-config={JSON.stringify(config)}>
        <section>
          <p id="notice" class="notice" hidden role="status" />
          <div class="grid">
            {DEMO_PRODUCTS.map((p) => (
              <article class="card">
                <img src={`/demo/img/${p.id}.svg`} alt={p.name} width="240" height="180" />
                <h3>{p.name}</h3>
                <p class="muted">{money(p.price)}</p>
                <button type="button" data-add={p.id}>
                  Add to cart
                </button>
              </article>
            ))}
          </div>
        </section>
        <aside>
          <div class="panel">
            <h2>Your cart</h2>
            <p id="empty" class="muted">
              Your cart is empty.
            </p>
            <ul id="lines" />
            <div class="total">
              <span>Total</span>
              <span id="total">$0.00</span>
            </div>
            <form id="checkout">
              <label for="email">Email</label>
              <input id="email" type="email" autocomplete="email" />
              <label for="first">First name</label>
              <input id="first" type="text" autocomplete="given-name" />
              <label for="phone">Phone</label>
              <input id="phone" type="tel" autocomplete="tel" />
              <label class="consent" for="consent">
                <input id="consent" type="checkbox" />
                <span>{config.disclosure}</span>
              </label>
              <p>
                <button id="place" type="submit" disabled>
                  Place order
                </button>
              </p>
            </form>
            <p class="muted">
              Cart id: <code id="cart-id" />
            </p>
            <h3>Events sent</h3>
            <ul id="log" />
          </div>
        </aside>
      </main>
      {/* The real storefront script, then the shop's own code that reports to it. */}
      <script src="/v1/cartback.js" data-store={config.key} defer />
      <script src="/demo/shop.js" defer />
    </body>
  </html>
)
