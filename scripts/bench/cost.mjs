// Cost per cart, counted through the real code paths: one Cartback in bench mode `counters`
// (src/lib/bench-counters.ts) drives typical carts over real HTTP (5 beacons, the last with a
// contact and SMS consent; abandonment by the object's own alarm; 3 steps, email, text, email;
// a restore; the WooCommerce order webhook, signed as WooCommerce signs it) and reads the tally
// of billable operations from `GET /__bench/counters`. Counts are per cart (the total over all
// carts divided by their number); dollars are at Cloudflare's list prices (docs/design/cost.md).
import { createHmac, randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { SHOP, startCartback } from './cartback.mjs'

/** USD per unit at the Workers Paid list prices (docs/design/cost.md, with their sources). */
export const PRICES = {
  workerRequests: 0.3 / 1e6,
  doRequests: 0.15 / 1e6,
  doRowsRead: 0.001 / 1e6,
  doRowsWritten: 1.0 / 1e6,
  queueOps: 0.4 / 1e6,
  d1RowsRead: 0.001 / 1e6,
  d1RowsWritten: 1.0 / 1e6,
}

const DRIVER_NAMES = {
  workerRequests: 'Worker requests',
  doRequests: 'Durable Object requests (RPC calls and alarms)',
  doRowsRead: 'Durable Object SQLite rows read',
  doRowsWritten: 'Durable Object SQLite rows written (setAlarm included)',
  queueOps: 'Queue operations (write, read, delete)',
  d1RowsRead: 'D1 rows read',
  d1RowsWritten: 'D1 rows written (rows, index entries, trigger upserts)',
}

const STEP_TEMPLATE = {
  email: {
    subject: 'Still thinking, {{firstName}}?',
    heading: 'Your cart is saved',
    body: 'Total: {{total}}',
    buttonLabel: 'Back to my cart',
  },
  sms: { body: '{{storeName}}: your cart is saved {{restoreUrl}}' },
}
const step = (id, channel, delaySeconds) => ({
  id,
  channel,
  delaySeconds,
  windowSeconds: 3600,
  template: STEP_TEMPLATE[channel],
})

/** An IANA zone where it is about noon now: quiet hours never hold a text back. */
function middayZone() {
  const offset = 12 - new Date().getUTCHours()
  return `Etc/GMT${offset >= 0 ? '-' : '+'}${Math.abs(offset)}`
}

/**
 * Counts one typical cart's life, averaged over `carts` carts run side by side.
 * @param {{ quick?: boolean }} opts
 */
export async function cost({ quick = false } = {}) {
  const carts = quick ? 4 : 10
  const cb = await startCartback({ BENCH_MODE: 'counters' })
  try {
    const counters = async () => {
      const res = await fetch(`${cb.url}/__bench/counters`)
      if (!res.ok) throw new Error(`counters: ${res.status} (is BENCH_MODE=counters loaded?)`)
      return res.json()
    }
    const store = await cb.createStore('Bench Costs', {
      inactivitySeconds: 2,
      attributionWindowSeconds: 3600,
      sender: {
        fromEmail: 'shop@bench.example',
        fromName: 'Bench',
        postalAddress: '1 Market St, San Francisco, CA 94105',
      },
      sms: { doubleOptIn: false },
      sequence: [step('email-1', 'email', 0), step('sms-1', 'sms', 1), step('email-2', 'email', 2)],
    })
    await settle(counters)
    const before = await counters()
    const lives = Array.from({ length: carts }, (_, i) => newLife(cb, store, i))
    await Promise.all(lives.map((l) => l.shop()))
    // Abandonment (2 s) and the three steps (0, 1, 2 s after it), then quiet.
    await new Promise((r) => setTimeout(r, 6_000))
    await settle(counters)
    // Looking at the carts is the bench's, not the cart's: that window is taken out.
    const lookStart = await counters()
    for (const l of lives) await l.look()
    const lookEnd = await counters()
    await Promise.all(lives.map((l) => l.finish()))
    const end = await settle(counters)
    const after = minus(end, lookEnd, lookStart)
    const total = Object.fromEntries(
      Object.keys(after)
        .filter((k) => typeof after[k] === 'number')
        .map((k) => [k, after[k] - before[k]]),
    )
    for (const by of BY)
      total[by] = Object.fromEntries(
        Object.entries(after[by])
          .map(([k, v]) => [k, v - (before[by][k] ?? 0)])
          .filter(([, v]) => v > 0),
      )
    return { cost: summarize(total, carts) }
  } catch (err) {
    process.stderr.write(cb.output().slice(-4000))
    throw err
  } finally {
    await cb.stop()
  }
}

/** Waits until the tally stops moving (the queue consumer has written its batches). */
async function settle(counters) {
  let last = JSON.stringify(await counters())
  for (let still = 0; still < 3; ) {
    await new Promise((r) => setTimeout(r, 1_000))
    const now = JSON.stringify(await counters())
    still = now === last ? still + 1 : 0
    last = now
  }
  return JSON.parse(last)
}

const BY = ['doWritesBy', 'd1WritesBy']

/** `end` without what happened between `from` and `to` (the numbers and the `…By` tallies). */
function minus(end, to, from) {
  const out = {}
  for (const k of Object.keys(end))
    if (typeof end[k] === 'number') out[k] = end[k] - (to[k] - from[k])
  for (const by of BY) {
    out[by] = { ...end[by] }
    for (const [k, v] of Object.entries(to[by]))
      out[by][k] = (out[by][k] ?? 0) - (v - (from[by][k] ?? 0))
  }
  return out
}

/**
 * One cart from first beacon to recovered order, through the public HTTP paths: `shop` (the
 * beacons), `look` (the bench reads the cart: not counted), `finish` (restore and order).
 */
function newLife(cb, store, n) {
  const cart = randomBytes(16).toString('base64url')
  const beacon = async (body) => {
    const res = await fetch(`${cb.url}/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: SHOP },
      body: JSON.stringify({ store: store.publishableKey, cart, currency: 'USD', ...body }),
    })
    if (res.status !== 202) throw new Error(`beacon: ${res.status} ${await res.text()}`)
  }
  const items = []
  let detail
  const shop = async () => {
    for (let i = 1; i <= 4; i++) {
      items.push({ id: `sku-${i}`, name: `Item ${i}`, price: 1000 + i * 100, quantity: 1 })
      await beacon({ type: 'cart', items })
    }
    await beacon({
      type: 'contact',
      items,
      contact: {
        email: `shopper${n}@example.com`,
        phone: `+44791112${String(3000 + n).padStart(4, '0')}`,
        firstName: 'Ada',
        timezone: middayZone(),
      },
      consent: { sms: true, text: 'Text me about my cart. Reply STOP to opt out.' },
      page: `${SHOP}/checkout`,
    })
  }
  // Abandoned by the object's alarm, then the three steps, each sent by the outbox.
  const look = async () => {
    detail = await cb.api(`/carts/${store.id}/${cart}`)
    const sent = detail.sequence?.filter((s) => s.status === 'sent').length ?? 0
    if (detail.status !== 'abandoned' || sent !== 3)
      throw new Error(`cart ${n}: ${detail.status}, ${sent} of 3 steps sent`)
  }
  const finish = async () => {
    const click = await fetch(detail.restoreUrl, { redirect: 'manual' })
    const token = new URL(click.headers.get('location')).searchParams.get('cartback_restore')
    await fetch(`${cb.url}/v1/restore/${token}`, { headers: { Origin: SHOP } }).then((r) =>
      r.json(),
    )
    const restored = await fetch(`${cb.url}/v1/restore/${token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Origin: SHOP },
      body: '{}',
    }).then((r) => r.json())
    if (restored.status !== 'restored') throw new Error(`restore: ${JSON.stringify(restored)}`)
    const order = JSON.stringify({
      id: 9000 + n,
      status: 'processing',
      currency: 'USD',
      total: (items.reduce((s, i) => s + i.price, 0) / 100).toFixed(2),
      date_created_gmt: new Date().toISOString().slice(0, 19),
      billing: { email: `shopper${n}@example.com` },
      meta_data: [{ id: 1, key: '_cartback_cart', value: cart }],
    })
    const hook = await fetch(`${cb.url}/webhooks/woocommerce/${store.id}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-WC-Webhook-Topic': 'order.created',
        'X-WC-Webhook-Signature': createHmac('sha256', store.woocommerceWebhookSecret)
          .update(order)
          .digest('base64'),
      },
      body: order,
    })
    const taken = await hook.json()
    if (taken.status !== 'recovered') throw new Error(`order webhook: ${JSON.stringify(taken)}`)
  }
  return { shop, look, finish }
}

function summarize(total, carts) {
  const per = (k) => Math.round((total[k] / carts) * 10) / 10
  const perCart = {
    workerRequests: per('workerRequests'),
    doRequests: per('doRequests'),
    doAlarms: per('doAlarms'),
    doRowsRead: per('doRowsRead'),
    doRowsWritten: per('doRowsWritten'),
    queueOps:
      Math.round(((total.queueWrites + total.queueReads + total.queueDeletes) / carts) * 10) / 10,
    d1RowsRead: per('d1RowsRead'),
    d1RowsWritten: per('d1RowsWritten'),
  }
  const usd = Object.fromEntries(
    Object.entries(PRICES).map(([k, price]) => [k, perCart[k] * price * 10_000]),
  )
  const usdPer10kCarts = Object.values(usd).reduce((a, b) => a + b, 0)
  const drivers = Object.entries(usd)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => ({ what: DRIVER_NAMES[k], usd: Math.round(v * 10_000) / 10_000 }))
  // What writes the rows, per cart, largest first.
  const byWhat = (tally) =>
    Object.entries(tally)
      .sort((a, b) => b[1] - a[1])
      .map(([what, rows]) => ({ what, rowsWritten: Math.round((rows / carts) * 10) / 10 }))
  return {
    carts,
    perCart,
    detail: {
      doAlarmsSet: per('doAlarmsSet'),
      queueWrites: per('queueWrites'),
      d1RawQueries: per('d1RawQueries'),
      doRowsWrittenBy: byWhat(total.doWritesBy),
      d1RowsWrittenBy: byWhat(total.d1WritesBy),
    },
    usdPer10kCarts: Math.round(usdPer10kCarts * 1000) / 1000,
    drivers,
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = await cost({ quick: process.argv.includes('--quick') })
  console.log(JSON.stringify(out, null, 2))
}
