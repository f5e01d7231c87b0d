// `npm run bench`, dashboard part: the overview and the cart list over a million carts in local
// D1, through `wrangler dev` and a signed-in session, as a browser would ask for them. Reports
// the Worker's own time (the `Server-Timing: app;dur=` header: D1 included, as workerd's clock
// moves with I/O) and the client's, each against GET /healthz measured in the same rounds.
// Target (issue 6): server time p95 < 100 ms. See docs/design/dashboard-speed.md.
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
import { d1File, STORES, seedCarts } from './lib/seed-carts.mjs'

const CARTS = Number(process.env.BENCH_CARTS ?? 1_000_000)
const ROUNDS = Number(process.env.BENCH_DASHBOARD_ROUNDS ?? 100)
const WARMUP = 5
const TARGET_MS = 100
const DAY = 86_400_000
const KEEP = process.env.BENCH_KEEP === '1'

const token = `cb_admin_${secret(16)}`
const owner = { email: 'bench@example.com', password: secret(12) }
const persistTo = mkdtempSync(join(tmpdir(), 'cartback-bench-dashboard-'))
const ms = (v) => (v === null ? '—' : `${v.toFixed(1)}`)

function quantiles(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: sorted.at(-1) }
}

/** Cookies a response sets, as `name=value` (the `__Host-` ones are Secure: not kept by fetch). */
function cookiesOf(res) {
  return Object.fromEntries(
    res.headers.getSetCookie().map((c) => {
      const pair = c.split(';')[0]
      const i = pair.indexOf('=')
      return [pair.slice(0, i), pair.slice(i + 1)]
    }),
  )
}

async function signIn(url) {
  const form = await fetch(`${url}/login`)
  const html = await form.text()
  const loginCookie = cookiesOf(form)['__Host-cb_login']
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1]
  if (!loginCookie || !csrf) throw new Error(`no login form:\n${html.slice(0, 500)}`)
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Cookie: `__Host-cb_login=${loginCookie}`,
    },
    body: new URLSearchParams({ ...owner, _csrf: csrf, next: '/' }),
  })
  const session = cookiesOf(res)['__Host-cb_session']
  if (res.status !== 303 || !session) throw new Error(`login failed: ${res.status}`)
  return `__Host-cb_session=${session}`
}

let server = null
let box = null
try {
  const t0 = performance.now()
  applyMigrations({ persistTo })
  const now = Date.now()
  const sample = seedCarts(d1File(persistTo), { count: CARTS, now })
  const seededS = (performance.now() - t0) / 1000
  console.log(`${CARTS.toLocaleString('en')} carts seeded in ${seededS.toFixed(1)} s`)

  // Secrets reach the Worker from a .dev.vars, as under npm start.

  box = sandbox({
    ADMIN_API_TOKEN: token,
    SIGNING_SECRET: secret(32),
    OWNER_EMAIL: owner.email,
    OWNER_PASSWORD: owner.password,
  })

  server = await startDevServer({ port: await freePort(), dir: box.dir, persistTo })
  const url = server.url
  const cookie = await signIn(url)
  const page = { headers: { Cookie: cookie } }
  const api = { headers: { Authorization: `Bearer ${token}` } }
  const day = (t) => new Date(t).toISOString().slice(0, 10)
  const today = day(now)
  const year = `from=${day(now - 364 * DAY)}&to=${today}`
  const monthAgo = day(now - 29 * DAY)
  const big = STORES[0].id
  const list = (q) => `/api/v1/carts?limit=50${q ? `&${q}` : ''}`

  // A deep page: the cursor after 20 pages, as a merchant paging back would have it.
  let cursor = null
  for (let i = 0; i < 20; i++) {
    const res = await fetch(`${url}${list(cursor ? `cursor=${cursor}` : '')}`, api)
    cursor = (await res.json()).nextCursor
  }

  /** [label, path, init, what the response must contain]. */
  const targets = [
    ['GET /healthz (baseline)', '/healthz', {}],
    ['overview, 30 days', '/', page, 'Overview'],
    // The big store runs a holdout (and a step experiment): its overview has the card.
    ['overview, 30 days, big store', `/?store=${big}`, page, 'Incremental revenue'],
    ['overview, 90 days', `/?from=${day(now - 89 * DAY)}&to=${today}`, page, 'Overview'],
    ['overview, 365 days, big store', `/?store=${big}&${year}`, page, 'caused by messages'],
    ['experiments page, big store', `/experiments?store=${big}`, page, 'Make B the only variant'],
    ['stats API, big store', `/api/v1/stats?store=${big}`, api, '"incremental"'],
    ['overview, 365 days', `/?${year}`, page, 'Overview'],
    ['carts API, first page', list(''), api, '"carts"'],
    ['carts API, big store', list(`store=${big}`), api, '"carts"'],
    ['carts API, abandoned', list('status=abandoned'), api, '"carts"'],
    ['carts API, archived', list('status=archived'), api, '"carts"'],
    ['carts API, big store, recovered', list(`store=${big}&status=recovered`), api, '"carts"'],
    ['carts API, 30 days, lost', list(`from=${monthAgo}&to=${today}&status=lost`), api, '"carts"'],
    ['carts API, sms', list('channel=sms'), api, '"carts"'],
    ['carts API, no contact', list('hasContact=false'), api, '"carts"'],
    // Filters that match nothing: every converted cart, or every cart, is read to say so.
    ['carts API, converted + sms (none)', list('status=converted&channel=sms'), api, '"carts"'],
    ['carts API, sms + no contact (none)', list('channel=sms&hasContact=false'), api, '"carts"'],
    ['carts API, search email', list(`q=${encodeURIComponent(sample.email)}`), api, sample.cartId],
    ['carts API, search cart id', list(`q=${sample.cartId}`), api, sample.cartId],
    ['carts API, page 21 (cursor)', list(`cursor=${cursor}`), api, '"carts"'],
  ]
  // The dashboard's own cart list, once it exists (same query underneath).
  const cartsPage = await fetch(`${url}/carts`, page)
  await cartsPage.arrayBuffer()
  if (cartsPage.status === 200) {
    targets.push(
      ['carts page, first page', '/carts', page, 'Carts'],
      ['carts page, big store, abandoned', `/carts?store=${big}&status=abandoned`, page, 'Carts'],
      [
        'carts page, 30 days, sms',
        `/carts?from=${monthAgo}&to=${today}&channel=sms`,
        page,
        'Carts',
      ],
      ['carts page, no contact', '/carts?contact=no', page, 'Carts'],
      ['carts page, archived, no contact', '/carts?status=archived&contact=no', page, 'Carts'],
      ['carts page, search email', `/carts?q=${encodeURIComponent(sample.email)}`, page, 'Carts'],
      ['carts page, page 21 (cursor)', `/carts?cursor=${cursor}`, page, 'Carts'],
    )
  } else {
    console.log(`GET /carts answered ${cartsPage.status}: the carts page is not built yet`)
  }

  const samples = targets.map(() => ({ client: [], server: [], failures: 0 }))
  const hit = async (i, keep) => {
    const [label, path, init, expect] = targets[i]
    const start = performance.now()
    const res = await fetch(`${url}${path}`, { ...init, redirect: 'manual' })
    const body = await res.text()
    const client = performance.now() - start
    if (!keep) return
    const dur = /app;dur=([\d.]+)/.exec(res.headers.get('Server-Timing') ?? '')
    const s = samples[i]
    if (res.status !== 200 || (expect && !body.includes(expect))) {
      s.failures++
      if (s.failures === 1) console.log(`${label}: ${res.status} ${body.slice(0, 200)}`)
    }
    s.client.push(client)
    if (dur) s.server.push(Number(dur[1]))
  }
  // Rounds: every target once per round, one request at a time (2-core machines), so that
  // each target and the baseline see the same machine.
  for (let r = 0; r < WARMUP + ROUNDS; r++) {
    for (let i = 0; i < targets.length; i++) await hit(i, r >= WARMUP)
  }

  const base = { client: quantiles(samples[0].client), server: quantiles(samples[0].server) }
  const rows = targets.map(([label, path], i) => {
    const client = quantiles(samples[i].client)
    const server = quantiles(samples[i].server)
    return {
      label,
      path,
      requests: samples[i].client.length,
      failures: samples[i].failures,
      server,
      client,
      ratio: { p50: client.p50 / base.client.p50, p95: client.p95 / base.client.p95 },
      serverP95UnderTarget: i === 0 ? null : server.p95 < TARGET_MS,
    }
  })
  const result = {
    at: new Date().toISOString(),
    carts: CARTS,
    stores: STORES.map((s) => ({ id: s.id, share: s.share, currency: s.currency })),
    rounds: ROUNDS,
    concurrency: 1,
    seedSeconds: seededS,
    targetServerP95Ms: TARGET_MS,
    baseline: base,
    results: rows,
  }
  mkdirSync(join(ROOT, '.bench'), { recursive: true })
  writeFileSync(join(ROOT, '.bench', 'dashboard.json'), `${JSON.stringify(result, null, 2)}\n`)

  const w = Math.max(...rows.map((r) => r.label.length))
  console.log(
    `\n${'ms'.padEnd(w)}  server p50    p95    p99 │ client p50    p95    p99 │ ×base p50  p95 │ < ${TARGET_MS}`,
  )
  for (const r of rows) {
    const s = r.server
    const c = r.client
    const verdict = r.serverP95UnderTarget === null ? '' : r.serverP95UnderTarget ? 'yes' : 'NO'
    console.log(
      `${r.label.padEnd(w)}  ${ms(s.p50).padStart(10)} ${ms(s.p95).padStart(6)} ${ms(s.p99).padStart(6)} │ ${ms(c.p50).padStart(10)} ${ms(c.p95).padStart(6)} ${ms(c.p99).padStart(6)} │ ${r.ratio.p50.toFixed(1).padStart(9)} ${r.ratio.p95.toFixed(1).padStart(4)} │ ${verdict}${r.failures ? `  (${r.failures} failed)` : ''}`,
    )
  }
  console.log(`${ROUNDS} rounds, one request at a time; written to .bench/dashboard.json`)
} finally {
  await server?.stop()
  box?.remove()
  if (KEEP) console.log(`kept the database under ${persistTo}`)
  else rmSync(persistTo, { recursive: true, force: true })
}
