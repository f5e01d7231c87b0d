// `npm run bench`: beacon latency over real HTTP against `wrangler dev`, reported as a ratio to
// a baseline measured in the same run (GET /healthz through the same Worker). Also measures how
// long the reporting pipeline (Durable Object → Queue → D1) takes to show every cart, and how
// fast the Twilio webhook acknowledges inbound texts with 50 in flight at once.
import { createHmac, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  applyMigrations,
  freePort,
  ROOT,
  sandbox,
  secret,
  startDevServer,
} from './lib/dev-server.mjs'

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 600)
const CONCURRENCY = 8
const CARTS = 150
const SHOP = 'https://bench.example'
const token = `cb_admin_${secret(16)}`
const persistTo = mkdtempSync(join(tmpdir(), 'cartback-bench-'))
const TWILIO_TOKEN = secret(16)
const TEXTS = Number(process.env.BENCH_TEXTS ?? 500)
const TEXTS_IN_FLIGHT = 50

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

async function measure(n, send, concurrency = CONCURRENCY) {
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
  await Promise.all(Array.from({ length: concurrency }, worker))
  times.sort((a, b) => a - b)
  return {
    n,
    concurrency,
    failures,
    p50: quantile(times, 0.5),
    p95: quantile(times, 0.95),
    p99: quantile(times, 0.99),
    max: times.at(-1),
  }
}

applyMigrations({ persistTo })
// Secrets reach the Worker from a .dev.vars, as under npm start.
const box = sandbox({
  ADMIN_API_TOKEN: token,
  SIGNING_SECRET: secret(32),
  OWNER_EMAIL: 'b@example.com',
  OWNER_PASSWORD: secret(8),
  TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
})
const server = await startDevServer({ port: await freePort(), dir: box.dir, persistTo })
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

  // Inbound texts: the webhook keeps the text in the sender's contact object and answers
  // <Response/>; the answer is written afterwards. 50 senders, 50 texts in flight at once.
  const smsStore = await (
    await fetch(`${server.url}/api/v1/stores`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'Bench SMS',
        url: `${SHOP}/`,
        currency: 'USD',
        allowedOrigins: [SHOP],
        settings: { knowledgeBase: { shipping: 'We ship to Canada in 5-8 business days.' } },
      }),
    })
  ).json()
  const hook = `${server.url}/webhooks/twilio/${smsStore.id}`
  const inbound = (i) => {
    const params = {
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      AccountSid: 'AC00000000000000000000000000000000',
      From: `+4479111${String(23000 + (i % TEXTS_IN_FLIGHT)).padStart(5, '0')}`,
      To: '+14155550000',
      Body: 'do you ship to Canada?',
    }
    const signed =
      hook +
      Object.keys(params)
        .sort()
        .map((k) => k + params[k])
        .join('')
    return fetch(hook, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': createHmac('sha1', TWILIO_TOKEN).update(signed).digest('base64'),
      },
      body: new URLSearchParams(params),
    })
  }
  await measure(100, inbound, TEXTS_IN_FLIGHT) // warm-up: the 50 contact objects
  const bare = await measure(TEXTS, health, TEXTS_IN_FLIGHT)
  const acks = await measure(TEXTS, inbound, TEXTS_IN_FLIGHT)
  const sms = {
    at: new Date().toISOString(),
    texts: TEXTS,
    inFlight: TEXTS_IN_FLIGHT,
    baseline: bare,
    inbound: acks,
    ratio: { p50: acks.p50 / bare.p50, p99: acks.p99 / bare.p99 },
  }
  writeFileSync(join(ROOT, '.bench', 'sms.json'), `${JSON.stringify(sms, null, 2)}\n`)
  console.log(
    `GET /healthz (50 in flight)   p50 ${ms(bare.p50)}  p99 ${ms(bare.p99)}  failures ${bare.failures}`,
  )
  console.log(
    `POST /webhooks/twilio/:store  p50 ${ms(acks.p50)}  p99 ${ms(acks.p99)}  failures ${acks.failures}`,
  )
  console.log(
    `webhook ack / baseline        p50 ×${sms.ratio.p50.toFixed(2)}  p99 ×${sms.ratio.p99.toFixed(2)}`,
  )
  console.log('written to .bench/sms.json')
} finally {
  await server.stop()
  box.remove()
  rmSync(persistTo, { recursive: true, force: true })
}
