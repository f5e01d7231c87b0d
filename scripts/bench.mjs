// `npm run bench`: beacon latency over real HTTP against `wrangler dev`, reported as a ratio to
// a baseline measured in the same run (GET /healthz through the same Worker). Also measures how
// long the reporting pipeline (Durable Object → Queue → D1) takes to show every cart.
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { applyMigrations, freePort, ROOT, secret, startDevServer } from './lib/dev-server.mjs'

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 600)
const CONCURRENCY = 8
const CARTS = 150
const SHOP = 'https://bench.example'
const token = `cb_admin_${secret(16)}`
const persistTo = mkdtempSync(join(tmpdir(), 'cartback-bench-'))

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

async function measure(n, send) {
  const times = []
  let next = 0
  let failures = 0
  async function worker() {
    while (next < n) {
      const i = next++
      const t0 = performance.now()
      const res = await send(i)
      await res.arrayBuffer()
      times.push(performance.now() - t0)
      if (!res.ok) failures++
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  times.sort((a, b) => a - b)
  return { n, failures, p50: quantile(times, 0.5), p95: quantile(times, 0.95), max: times.at(-1) }
}

applyMigrations({ persistTo })
const server = await startDevServer({
  port: await freePort(),
  persistTo,
  vars: {
    ADMIN_API_TOKEN: token,
    SIGNING_SECRET: secret(32),
    OWNER_EMAIL: 'b@example.com',
    OWNER_PASSWORD: secret(8),
  },
})
try {
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }
  const store = await (
    await fetch(`${server.url}/api/v1/stores`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'Bench',
        url: `${SHOP}/`,
        currency: 'USD',
        allowedOrigins: [SHOP],
      }),
    })
  ).json()
  const carts = Array.from({ length: CARTS }, () => randomBytes(16).toString('base64url'))
  const beacon = (i) =>
    fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers: {
        'Content-Type': 'text/plain',
        Origin: SHOP,
        // One simulated shopper per cart, each with its own address (the limiter is per IP).
        'CF-Connecting-IP': `198.51.${(i % CARTS) >> 8}.${(i % CARTS) & 255}`,
      },
      body: JSON.stringify({
        store: store.publishableKey,
        cart: carts[i % CARTS],
        type: i % 3 === 0 ? 'contact' : 'cart',
        items: [{ id: 'sku', name: 'Tee', price: 2400, quantity: 1 + (i % 4) }],
        contact: i % 3 === 0 ? { email: `s${i % CARTS}@example.com` } : undefined,
      }),
    })
  const health = () => fetch(`${server.url}/healthz`)

  await measure(100, health) // warm-up: isolate, D1, objects
  await measure(100, beacon)
  const baseline = await measure(REQUESTS, health)
  const beacons = await measure(REQUESTS, beacon)

  const t0 = performance.now()
  for (;;) {
    const res = await fetch(`${server.url}/api/v1/stats?store=${store.id}`, { headers })
    const body = await res.json()
    if (body.carts.tracked >= CARTS) break
    if (performance.now() - t0 > 60_000) throw new Error('reports did not reach D1 within 60 s')
    await new Promise((r) => setTimeout(r, 100))
  }
  const projectionMs = performance.now() - t0

  const result = {
    at: new Date().toISOString(),
    requests: REQUESTS,
    concurrency: CONCURRENCY,
    baseline,
    beacon: beacons,
    ratio: { p50: beacons.p50 / baseline.p50, p95: beacons.p95 / baseline.p95 },
    projectionLagAfterLastBeaconMs: projectionMs,
  }
  mkdirSync(join(ROOT, '.bench'), { recursive: true })
  writeFileSync(join(ROOT, '.bench', 'beacon.json'), `${JSON.stringify(result, null, 2)}\n`)
  const ms = (v) => `${v.toFixed(1)} ms`
  console.log(
    `GET /healthz (baseline)  p50 ${ms(baseline.p50)}  p95 ${ms(baseline.p95)}  failures ${baseline.failures}`,
  )
  console.log(
    `POST /v1/events          p50 ${ms(beacons.p50)}  p95 ${ms(beacons.p95)}  failures ${beacons.failures}`,
  )
  console.log(
    `beacon / baseline        p50 ×${result.ratio.p50.toFixed(2)}  p95 ×${result.ratio.p95.toFixed(2)}`,
  )
  console.log(`all ${CARTS} carts in D1 ${ms(projectionMs)} after the last beacon`)
  console.log('written to .bench/beacon.json')
} finally {
  await server.stop()
  rmSync(persistTo, { recursive: true, force: true })
}
