// Abandonment at scale (issue 14, Must-have 3): many carts whose inactivity deadlines fall within
// one second, then how late each cart noticed (`abandonedAt − abandonDueAt`, read back from the
// list API), how long until every one is abandoned in D1, and workerd's memory before and after.
// The same for the floor first (bench/floor's /alarm-floor: one object per cart, one alarm at the
// deadline that writes one row, the least a cart's abandonment does), under its own wrangler dev
// with the same carts, client concurrency and deadlines, so the ratios say how much of the
// lateness is Cartback's and how much local workerd's alarm scheduling and SQLite commits.
//
// The inactivity timeout is a store setting in whole seconds, and one machine creates carts at
// tens per second, so the carts are spread over stores: the carts created during second k of the
// run go to a store whose timeout is one second shorter than the previous second's. Every
// deadline then lands in the same second of the clock, give or take the beacon's own latency
// (`deadlineSpreadMs`, measured from the carts' stored deadlines). Every cart has an email, as
// the carts worth recovering do. The floor's carts get their deadlines the same way: a cart sent
// during second k is due that second's timeout after it is sent.
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { SHOP, startCartback } from './cartback.mjs'
import { startFloor } from './floor.mjs'

const IN_FLIGHT = 16
// Carts per warm-up, which tells how fast this machine creates them.
const WARM = 200
// The most carts one read of the floor asks about (bench/floor's READ_MAX).
const READ_BATCH = 500
// The last-due floor carts polled to tell when the floor's alarms are done.
const SENTINELS = 20
/** Tries of one floor read that local workerd answered with a 5xx (see `readBatch`). */
const READ_TRIES = 5
let floorReadRetries = 0
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** The value below which `p` of the sorted `xs` fall (nearest rank). */
function percentile(xs, p) {
  if (xs.length === 0) return null
  return xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]
}

/**
 * The floor's lateness, then Cartback's, one after the other (never side by side), for `carts`
 * carts due together. `quick`: 1,000 carts instead of 10,000.
 */
export async function lateness({ quick }) {
  const carts = quick ? 1_000 : 10_000
  const floor = await floorLateness(carts)
  const cartback = await cartbackLateness(carts)
  return {
    lateness: {
      ...cartback,
      floor,
      p99RatioToFloor: ratio(cartback.p99Ms, floor.p99Ms),
      maxRatioToFloor: ratio(cartback.maxMs, floor.maxMs),
    },
  }
}

/** `a / b` to two digits; null when the floor is not above zero (no ratio to speak of). */
function ratio(a, b) {
  return b > 0 ? Math.round((a / b) * 100) / 100 : null
}

/** p50, p99, max and min of lateness in ms (`late` sorted ascending). */
function figures(late) {
  return {
    p50Ms: percentile(late, 50),
    p99Ms: percentile(late, 99),
    maxMs: late[late.length - 1],
    minMs: late[0],
  }
}

/** Seconds from now until the deadline: far enough to create every cart first (2.5× the warm rate). */
function leadFor(carts, warmMs) {
  const perSecond = WARM / (warmMs / 1000)
  return Math.ceil((carts / perSecond) * 2.5) + 20
}

/** The whole seconds from `start` until `now`. */
const secondOf = (start, now = Date.now()) => Math.floor((now - start) / 1000)

/**
 * The timeout (seconds) of the carts sent during `second` of the run, so that every cart is due
 * in the same second: one second shorter per second. Throws once too little is left.
 */
function timeoutOf(leadSeconds, second) {
  const timeout = leadSeconds - second
  if (timeout < 5) throw new Error(`creating the carts took over ${second} s`)
  return timeout
}

/** The floor's alarms: `carts` objects due together, when each alarm ran, memory. */
async function floorLateness(carts) {
  const floor = await startFloor()
  try {
    const memoryBeforeMb = Math.round(floor.memoryMb())
    // The warm-up's alarms are a day away, like Cartback's warm-up carts.
    const warmMs = await sendAll(WARM, () => armFloor(floor, Date.now() + 86_400_000))
    const leadSeconds = leadFor(carts, warmMs)
    const start = Date.now()
    const dueOf = new Map()
    const tookMs = await sendAll(carts, () => {
      const now = Date.now()
      const dueAt = now + timeoutOf(leadSeconds, secondOf(start, now)) * 1000
      return armFloor(floor, dueAt).then((cart) => cart && dueOf.set(cart, dueAt))
    })
    const dues = [...dueOf.values()]
    const runs = await waitFloorRan(floor, dueOf)
    const memoryAfterMb = Math.round(floor.memoryMb())
    const late = runs.map((r) => r.ranAt - r.dueAt).sort((a, b) => a - b)
    const mismatched = runs.filter((r) => r.dueAt !== dueOf.get(r.cart)).length
    if (mismatched > 0) throw new Error(`${mismatched} floor objects kept another dueAt`)
    return {
      carts,
      ...figures(late),
      memoryBeforeMb,
      memoryAfterMb,
      deadlineSpreadMs: Math.max(...dues) - Math.min(...dues),
      readRetries: floorReadRetries,
      createSeconds: Math.round(tookMs / 100) / 10,
      leadSeconds,
    }
  } finally {
    await floor.stop()
  }
}

/** Arms one new floor object's alarm at `dueAt`; resolves to its cart id, null if refused. */
async function armFloor(floor, dueAt) {
  const cart = randomBytes(16).toString('base64url')
  const res = await fetch(`${floor.url}/alarm-floor`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ cart, dueAt }),
  })
  await res.arrayBuffer()
  return res.ok ? cart : null
}

/**
 * Waits until every cart's alarm has run and returns their runs. Until the last-due carts have
 * run it reads only those (SENTINELS of them, every 250 ms, as Cartback's wait polls D1), so
 * the reads take little of workerd's one thread from the alarms; then it reads every cart.
 */
async function waitFloorRan(floor, dueOf) {
  const byDue = [...dueOf.keys()].sort((a, b) => dueOf.get(a) - dueOf.get(b))
  const deadline = dueOf.get(byDue.at(-1)) + 120_000
  const sentinels = byDue.slice(-SENTINELS)
  await sleep(Math.max(0, dueOf.get(byDue.at(-1)) - Date.now()))
  while ((await readFloor(floor, sentinels)).some((r) => r.ranAt === null)) {
    if (Date.now() > deadline) throw new Error("the floor's last alarms never ran")
    await sleep(250)
  }
  const runs = []
  let waiting = byDue
  for (;;) {
    const still = []
    for (const r of await readFloor(floor, waiting))
      r.ranAt === null ? still.push(r.cart) : runs.push(r)
    if (still.length === 0) return runs
    if (Date.now() > deadline) throw new Error(`${still.length} floor alarms never ran`)
    waiting = still
    await sleep(1_000)
  }
}

/** When each of `carts` ran (`{ cart, dueAt, ranAt }`, ranAt null until it has), READ_BATCH a read. */
async function readFloor(floor, carts) {
  const runs = []
  for (let i = 0; i < carts.length; i += READ_BATCH) {
    const batch = carts.slice(i, i + READ_BATCH)
    const res = await readBatch(floor, batch)
    const { carts: read } = await res.json()
    if (read.length !== batch.length) throw new Error('the floor lost a cart')
    runs.push(...read)
  }
  return runs
}

/**
 * One read of the floor. With 10,000 alarms running on its one thread, local workerd now and
 * then answers a read with a 500 (the read's object call is cut off, not the alarms); such a
 * read is tried again, up to READ_TRIES times, and counted (`floorReadRetries`).
 */
async function readBatch(floor, batch) {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${floor.url}/alarm-floor/read`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ carts: batch }),
    })
    if (res.ok) return res
    const text = await res.text()
    if (res.status < 500 || attempt >= READ_TRIES) {
      throw new Error(`POST /alarm-floor/read: ${res.status} ${text.slice(0, 300)}`)
    }
    floorReadRetries++
    await sleep(1_000)
  }
}

/** Cartback: `carts` carts due together, abandoned in D1, their lateness read back, memory. */
async function cartbackLateness(carts) {
  const cb = await startCartback()
  try {
    const memoryBeforeMb = Math.round(cb.memoryMb())
    // A warm-up in a store whose carts are not due for a day tells how fast this machine creates
    // carts, so the deadline is set just far enough ahead to create every cart before it.
    const warm = await cb.createStore('Warm-up', { inactivitySeconds: 86_400 })
    const warmMs = await sendBeacons(cb, WARM, () => warm, 1 << 20)
    const leadSeconds = leadFor(carts, warmMs)
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
      carts,
      ...figures(late),
      // From the last cart's deadline until the list shows every cart abandoned.
      d1VisibleMs: Math.max(0, Math.round(visible - lastDue)),
      memoryBeforeMb,
      memoryAfterMb,
      deadlineSpreadMs: lastDue - Math.min(...dues),
      createSeconds: Math.round(created.tookMs / 100) / 10,
      leadSeconds,
      stores: created.timeoutOf.size,
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
  const timeouts = new Map()
  const make = (second) => {
    const timeout = timeoutOf(leadSeconds, second)
    const made = cb.createStore(`Due ${second}`, { inactivitySeconds: timeout }).then((s) => {
      timeouts.set(s.id, timeout)
      return s
    })
    stores.set(second, made)
  }
  const storeFor = () => {
    const second = secondOf(start)
    // The next second's store is made ahead, so no beacon waits for its store.
    for (const s of [second, second + 1]) if (!stores.has(s)) make(s)
    return stores.get(second)
  }
  make(0)
  await stores.get(0)
  const tookMs = await sendBeacons(cb, carts, storeFor)
  return { dueAt, timeoutOf: timeouts, tookMs }
}

/** Sends `carts` new carts, IN_FLIGHT at a time, each to the store `storeFor()` names then. */
function sendBeacons(cb, carts, storeFor, first = 0) {
  return sendAll(carts, async (n) => {
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
    return res.ok
  })
}

/**
 * Calls `send(i)` for i in 0..count−1, IN_FLIGHT at a time (the same clients for the floor and
 * Cartback); `send` resolves truthy when its request succeeded. Returns the ms it took.
 */
async function sendAll(count, send) {
  const start = Date.now()
  let next = 0
  let failures = 0
  const worker = async () => {
    for (let i = next++; i < count; i = next++) if (!(await send(i))) failures++
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  if (failures > 0) throw new Error(`${failures} of ${count} requests failed`)
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
