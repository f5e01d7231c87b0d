// `npm start`: Cartback locally, offline, with no Cloudflare account.
//  1. writes .dev.vars with random local secrets when absent (keeping every key already there)
//  2. applies the D1 migrations to the local database
//  3. runs wrangler dev (the "development" environment of wrangler.jsonc) and seeds the demo
//     store (idempotent)
//  4. prints the URLs, the API token and the demo store key
// CARTBACK_DIR runs it in another folder laid out like this checkout (the tests use a sandbox).
import { join } from 'node:path'
import { applyMigrations, ensureDevVars, ROOT, startDevServer } from './lib/dev-server.mjs'

const port = Number(process.env.PORT ?? 8787)
const dir = process.env.CARTBACK_DIR ?? ROOT

const DEMO_SEQUENCE = [
  {
    id: 'email-now',
    channel: 'email',
    delaySeconds: 0,
    windowSeconds: 3600,
    template: {
      subject: 'You left something in your cart',
      preheader: 'Your items are saved.',
      heading: 'Still thinking it over?',
      body: 'We saved your cart at {{storeName}}. Your items are waiting whenever you are ready.',
      buttonLabel: 'Return to my cart',
    },
  },
  {
    id: 'sms-30s',
    channel: 'sms',
    delaySeconds: 30,
    windowSeconds: 3600,
    template: {
      body: '{{storeName}}: your cart ({{total}}) is saved. Finish here: {{restoreUrl}}',
    },
  },
  {
    id: 'email-90s',
    channel: 'email',
    delaySeconds: 90,
    windowSeconds: 3600,
    template: {
      subject: 'Your cart at {{storeName}} is waiting',
      heading: 'Your items are still here',
      body: 'Come back and complete your order: your cart total is {{total}}.',
      buttonLabel: 'Complete my order',
    },
  },
]
const { vars, added } = ensureDevVars(join(dir, '.dev.vars'))
if (added.length > 0) console.log(`Wrote .dev.vars with new local values for ${added.join(', ')}.`)

console.log('Applying D1 migrations to the local database…')
applyMigrations({ dir })

console.log('Starting the Worker (wrangler dev)…')
const server = await startDevServer({ port, dir, log: (line) => process.stdout.write(line) })
const base = `http://localhost:${port}`
// Where providers reach this Worker: PUBLIC_BASE_URL (a tunnel, say) when .dev.vars sets it.
const publicBase = (vars.PUBLIC_BASE_URL || base).replace(/\/+$/, '')
const headers = {
  Authorization: `Bearer ${vars.ADMIN_API_TOKEN}`,
  'Content-Type': 'application/json',
}

async function seedDemoStore() {
  const { stores } = await (await fetch(`${server.url}/api/v1/stores`, { headers })).json()
  const existing = stores.find((s) => s.url === `${base}/demo`)
  if (existing) return existing
  const res = await fetch(`${server.url}/api/v1/stores`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      name: 'Cartback Demo Store',
      url: `${base}/demo`,
      currency: 'USD',
      allowedOrigins: [base, `http://127.0.0.1:${port}`],
      // Demo timing: a cart is abandoned after one quiet minute, and the sequence plays out
      // in the next two: an email at once, a text after 30 s, a second email after 90 s.
      settings: {
        inactivitySeconds: 60,
        attributionWindowSeconds: 86_400,
        sender: {
          fromName: 'Cartback Demo Store',
          fromEmail: 'hello@demo.cartback.local',
          postalAddress: '1 Demo Street, Springfield, CA 90000',
          accentColor: '#4f46e5',
        },
        // The demo has no inbound texts to confirm with YES.
        sms: { doubleOptIn: false },
        sequence: DEMO_SEQUENCE,
        // Shows off the exit-intent popup: move the pointer out through the top with something
        // in the cart (once a day per browser).
        storefront: { popup: { enabled: true, everyDays: 1 } },
        // What the SMS assistant may say; reply to a text from the dev outbox to try it.
        knowledgeBase: {
          shipping: 'We ship across the US in 2-4 business days, free on orders over $50.',
          returns: 'Returns are free within 30 days.',
          payment: 'We take cards, Apple Pay and PayPal.',
          faq: [{ q: 'Is the Ocean Tee organic cotton?', a: 'Yes, 100% organic cotton.' }],
          tone: 'warm and brief',
        },
        ai: { incentive: { kind: 'percent', amount: 10, validForSeconds: 259_200 } },
      },
    }),
  })
  if (!res.ok) throw new Error(`could not create the demo store: ${res.status} ${await res.text()}`)
  return res.json()
}

try {
  const store = await seedDemoStore()
  console.log(`
  Cartback is running at      ${base}
  Dashboard                   ${base}/login
  Demo storefront             ${base}/demo
  API token (Bearer)          ${vars.ADMIN_API_TOKEN}
  Demo store id               ${store.id}
  Demo store key              ${store.publishableKey}
  WooCommerce webhook secret  ${store.woocommerceWebhookSecret}
  Owner login (dashboard)     ${vars.OWNER_EMAIL} / ${vars.OWNER_PASSWORD}
  Twilio inbound webhook      ${publicBase}/webhooks/twilio/${store.id}
  Resend webhook              ${publicBase}/webhooks/resend

  Try:  curl -H "Authorization: Bearer ${vars.ADMIN_API_TOKEN}" "${base}/api/v1/carts?store=${store.id}"
  Add something to the cart at ${base}/demo, type an email (and a phone with the box ticked),
  and leave it for a minute: it becomes abandoned and the reminders appear at ${base}/demo/outbox.
  Press Ctrl+C to stop.
`)
} catch (err) {
  console.error(String(err))
  await server.stop()
  process.exit(1)
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await server.stop()
    process.exit(0)
  })
}
await new Promise((resolve) => server.child.once('exit', resolve))
