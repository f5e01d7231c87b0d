// `npm start`: Cartback locally, offline, with no Cloudflare account.
//  1. writes .dev.vars with random local secrets when absent
//  2. applies the D1 migrations to the local database
//  3. runs wrangler dev and seeds the demo store (idempotent)
//  4. prints the URLs, the API token and the demo store key
import { join } from 'node:path'
import { applyMigrations, ensureDevVars, ROOT, startDevServer } from './lib/dev-server.mjs'

const port = Number(process.env.PORT ?? 8787)
const { vars, added } = ensureDevVars(join(ROOT, '.dev.vars'))
if (added.length > 0) console.log(`Wrote .dev.vars with new local values for ${added.join(', ')}.`)

console.log('Applying D1 migrations to the local database…')
applyMigrations()

console.log('Starting the Worker (wrangler dev)…')
const server = await startDevServer({ port, log: (line) => process.stdout.write(line) })
const base = `http://localhost:${port}`
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
      // Demo timing: a cart is abandoned after one quiet minute.
      settings: { inactivitySeconds: 60, attributionWindowSeconds: 86_400 },
    }),
  })
  if (!res.ok) throw new Error(`could not create the demo store: ${res.status} ${await res.text()}`)
  return res.json()
}

try {
  const store = await seedDemoStore()
  console.log(`
  Cartback is running at      ${base}
  Demo storefront             ${base}/demo
  API token (Bearer)          ${vars.ADMIN_API_TOKEN}
  Demo store id               ${store.id}
  Demo store key              ${store.publishableKey}
  WooCommerce webhook secret  ${store.woocommerceWebhookSecret}
  Owner login (dashboard)     ${vars.OWNER_EMAIL} / ${vars.OWNER_PASSWORD}

  Try:  curl -H "Authorization: Bearer ${vars.ADMIN_API_TOKEN}" "${base}/api/v1/carts?store=${store.id}"
  Add something to the cart at ${base}/demo and leave it for a minute: it becomes abandoned.
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
