// Abandonment at scale (issue 14, Must-have 3): many carts whose inactivity deadlines fall within
// one second, then how late each cart noticed (`abandonedAt − abandonDueAt`, read back from the
// list API), how long until every one is abandoned in D1, and workerd's memory before and after.
//
// The inactivity timeout is a store setting in whole seconds, and one machine creates carts at
// tens per second, so the carts are spread over stores: the carts created during second k of the
// run go to a store whose timeout is one second shorter than the previous second's. Every
// deadline then lands in the same second of the clock, give or take the beacon's own latency
// (`deadlineSpreadMs`, measured from the carts' stored deadlines). Every cart has an email, as
// the carts worth recovering do.
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { SHOP, startCartback } from './cartback.mjs'

const IN_FLIGHT = 16
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** The value below which `p` of the sorted `xs` fall (nearest rank). */
function percentile(xs, p) {
  if (xs.length === 0) return null
  return xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]
}

/**
 * Creates `carts` carts due together, waits for every one to be abandoned in D1 and reads their
 * lateness. `quick`: 1,000 carts instead of 10,000.
 */
export async function lateness({ quick }) {
  const carts = quick ? 1_000 : 10_000
  const cb = await startCartback()
  try {
    const memoryBeforeMb = Math.round(cb.memoryMb())
    // A warm-up in a store whose carts are not due for a day tells how fast this machine creates
    // carts, so the deadline is set just far enough ahead to create every cart before it.
    const warm = await cb.createStore('Warm-up', { inactivitySeconds: 86_400 })
    const t0 = Date.now()
    const WARM = 200
    await sendBeacons(cb, WARM, () => warm, 1 << 20)
    const perSecond = WARM / ((Date.now() - t0) / 1000)
    const leadSeconds = Math.ceil((carts / perSecond) * 2.5) + 20
    const created = await createDueTogether(cb, carts, leadSeconds)
    const visible = await waitAbandoned(cb, carts, created.dueAt + 120_000)
    const memoryAfterMb = Math.round(cb.memoryMb())
    const rows = await abandonedRows(cb)
    const late = []
    const dues = []
    let mismatched = 0
    for (const r of rows) {
      const timeout = created.timeoutOf.get(r.storeId)
      if (timeout === undefined || !r.abandonDueAt) continue
      // The issue's definition, from the row's last activity and the store's timeout.
      const due = Date.parse(r.lastActivityAt) + timeout * 1000
      if (due !== Date.parse(r.abandonDueAt)) mismatched++
      dues.push(due)
      late.push(Date.parse(r.abandonedAt) - due)
    }
    late.sort((a, b) => a - b)
    if (late.length !== carts) throw new Error(`${late.length} of ${carts} carts read back`)
    if (mismatched > 0) throw new Error(`${mismatched} carts' abandonDueAt is not their deadline`)
    const lastDue = Math.max(...dues)
    return {
      lateness: {
        carts,
        p50Ms: percentile(late, 50),
        p99Ms: percentile(late, 99),
        maxMs: late[late.length - 1],
        minMs: late[0],
        // From the last cart's deadline until the list shows every cart abandoned.
        d1VisibleMs: Math.max(0, Math.round(visible - lastDue)),
        memoryBeforeMb,
        memoryAfterMb,
        deadlineSpreadMs: lastDue - Math.min(...dues),
        createSeconds: Math.round(created.tookMs / 100) / 10,
        leadSeconds,
        stores: created.timeoutOf.size,
      },
    }
  } finally {
    await cb.stop()
  }
}

/** Sends one beacon per cart, each to the store whose timeout makes its deadline `dueAt`. */
async function createDueTogether(cb, carts, leadSeconds) {
  const start = Date.now()
  const dueAt = start + leadSeconds * 1000
  const stores = new Map()
  const timeoutOf = new Map()
  const make = (second) => {
    const timeout = leadSeconds - second
    if (timeout < 5) throw new Error(`creating the carts took over ${second} s`)
    const made = cb.createStore(`Due ${second}`, { inactivitySeconds: timeout }).then((s) => {
      timeoutOf.set(s.id, timeout)
      return s
    })
    stores.set(second, made)
  }
  const storeFor = () => {
    const second = Math.floor((Date.now() - start) / 1000)
    // The next second's store is made ahead, so no beacon waits for its store.
    for (const s of [second, second + 1]) if (!stores.has(s)) make(s)
    return stores.get(second)
  }
  make(0)
  await stores.get(0)
  const tookMs = await sendBeacons(cb, carts, storeFor)
  return { dueAt, timeoutOf, tookMs }
}

/** Sends `carts` new carts, IN_FLIGHT at a time, each to the store `storeFor()` names then. */
async function sendBeacons(cb, carts, storeFor, first = 0) {
  const start = Date.now()
  let next = 0
  let failures = 0
  const worker = async () => {
    for (let n = next++; n < carts; n = next++) {
      const i = first + n
      const store = await storeFor()
      const res = await fetch(`${cb.url}/v1/events`, {
        method: 'POST',
        headers: {
          'Content-Type': 'text/plain',
          Origin: SHOP,
          // One shopper per cart, each with its own address (the beacon limit is per address).
          'CF-Connecting-IP': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        },
        body: JSON.stringify({
          store: store.publishableKey,
          cart: randomBytes(16).toString('base64url'),
          type: 'contact',
          items: [{ id: 'sku', name: 'Tee', price: 2400, quantity: 1 }],
          contact: { email: `late${i}@example.com` },
        }),
      })
      await res.arrayBuffer()
      if (!res.ok) failures++
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  if (failures > 0) throw new Error(`${failures} beacons failed`)
  return Date.now() - start
}

/** Polls the carts' statuses in D1 until `carts` are abandoned; returns when (epoch ms). */
async function waitAbandoned(cb, carts, deadline) {
  const from = new Date(Date.now() - 3_600_000).toISOString()
  for (;;) {
    const to = new Date(Date.now() + 3_600_000).toISOString()
    const stats = await cb.api(`/stats?from=${from}&to=${to}`)
    const seen = Date.now()
    if ((stats.carts.byStatus.abandoned ?? 0) >= carts) return seen
    if (seen > deadline) throw new Error(`only ${stats.carts.byStatus.abandoned} carts abandoned`)
    await sleep(250)
  }
}

/** Every abandoned cart, as the list API returns them (D1). */
async function abandonedRows(cb) {
  const rows = []
  let cursor = null
  do {
    const page = await cb.api(
      `/carts?status=abandoned&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    )
    rows.push(...page.carts)
    cursor = page.nextCursor
  } while (cursor)
  return rows
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick')
  console.log(JSON.stringify(await lateness({ quick }), null, 2))
}
