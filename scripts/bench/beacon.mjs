// Beacon throughput against the platform's own floors, in one run (issue 14, Must-have 1–2):
// the bare Worker, the per-cart floor on new objects and on 1,000 existing ones, and Cartback's
// beacon for new carts and for updates to 1,000 existing carts, at 16 and 64 clients, with the
// rate-limit binding's local simulation and without it (BENCH_MODE=no-rate-limit). The targets
// run side by side and the points interleave, so that drift on the machine weighs on all alike.
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { SHOP, startCartback } from './cartback.mjs'
import { startAll, startFloor } from './floor.mjs'
import { points, round, runLoad, spread, summarize, warm } from './load.mjs'

const CONCURRENCY = [16, 64]
export const EXISTING = 1_000
/**
 * The i-th beacon's quantity: every pass over the existing carts changes each one's items (the
 * storefront sends a beacon when the cart changes), as it does for a new cart.
 */
const quantity = (i) => 1 + ((i + Math.floor(i / EXISTING)) % 4)

export const newCart = () => randomBytes(16).toString('base64url')
const json = { 'Content-Type': 'application/json' }

/** A cart beacon as the storefront script sends it (text/plain, from the shop's origin). */
export function beacon(store, cart, i) {
  return {
    path: '/v1/events',
    headers: { 'Content-Type': 'text/plain', Origin: SHOP },
    body: JSON.stringify({
      store: store.publishableKey,
      cart,
      type: 'cart',
      items: [{ id: 'sku', name: 'Tee', price: 2400, quantity: quantity(i) }],
    }),
  }
}

/** The same body to the floor fixture: the bare route, or one object (by `cart`) per request. */
const floorRequest = (path, cart, i) => ({
  path,
  headers: json,
  body: JSON.stringify({
    store: 'pk_bench',
    cart,
    type: 'cart',
    items: [{ id: 'sku', name: 'Tee', price: 2400, quantity: quantity(i) }],
  }),
})

export async function beaconBench({ quick = false } = {}) {
  const { durationMs, reps } = points(quick)
  const [floor, limited, unlimited] = await startAll([
    startFloor,
    () => startCartback(),
    () => startCartback({ BENCH_MODE: 'no-rate-limit' }),
  ])
  try {
    const existing = Array.from({ length: EXISTING }, newCart)
    const stores = {
      limited: await limited.createStore('Bench beacon'),
      unlimited: await unlimited.createStore('Bench beacon'),
    }
    const targets = {
      bare: { url: floor.url, make: (i) => floorRequest('/bare', newCart(), i) },
      floorNew: { url: floor.url, make: (i) => floorRequest('/floor', newCart(), i) },
      floorExisting: {
        url: floor.url,
        make: (i) => floorRequest('/floor', existing[i % EXISTING], i),
      },
    }
    for (const [name, app] of [
      ['Limited', limited],
      ['Unlimited', unlimited],
    ]) {
      const store = stores[name.toLowerCase()]
      targets[`beaconNew${name}`] = { url: app.url, make: (i) => beacon(store, newCart(), i) }
      targets[`beaconUpdates${name}`] = {
        url: app.url,
        make: (i) => beacon(store, existing[i % EXISTING], i),
      }
    }
    // Warm-up: every isolate, and the 1,000 existing objects on each side.
    for (const t of Object.values(targets)) await warm({ url: t.url, count: 50, make: t.make })
    for (const t of [
      targets.floorExisting,
      targets.beaconUpdatesLimited,
      targets.beaconUpdatesUnlimited,
    ])
      await warm({ url: t.url, count: EXISTING, make: t.make })
    const memoryBeforeMb = round(limited.memoryMb() + unlimited.memoryMb(), 0)

    const runs = {}
    for (let rep = 0; rep < reps; rep++)
      for (const c of CONCURRENCY)
        for (const [name, t] of Object.entries(targets)) {
          const run = await runLoad({ url: t.url, concurrency: c, durationMs, make: t.make })
          const key = `${name}@${c}`
          runs[key] = [...(runs[key] ?? []), run]
          if (!quick) process.stdout.write('.')
        }
    if (!quick) process.stdout.write('\n')

    const at = (name, c) => summarize(runs[`${name}@${c}`])
    // Ratios of throughput per repetition (same rep, interleaved), then their median and spread.
    const ratio = (a, b, c) =>
      spread(runs[`${a}@${c}`].map((r, i) => r.rps / runs[`${b}@${c}`][i].rps))
    const side = (beaconName, floorName) =>
      Object.fromEntries(
        CONCURRENCY.map((c) => [
          c,
          {
            ...at(beaconName, c),
            ratioToFloor: ratio(beaconName, floorName, c),
            ratioToBare: ratio(beaconName, 'bare', c),
            p50RatioToFloor: round(at(beaconName, c).p50Ms.median / at(floorName, c).p50Ms.median),
          },
        ]),
      )
    // The headline: the worse concurrency, without the local limiter (production pays no write
    // for its rate-limit binding); the figures with the limiter sit beside it, labelled.
    const headline = (points) => {
      const worst = Object.values(points).reduce((a, b) =>
        a.ratioToFloor.median <= b.ratioToFloor.median ? a : b,
      )
      return {
        ratioToFloor: worst.ratioToFloor.median,
        ratioToBare: worst.ratioToBare.median,
        errors: Object.values(points).reduce((n, p) => n + p.errors, 0),
        atConcurrency: worst.concurrency,
      }
    }
    const newNo = side('beaconNewUnlimited', 'floorNew')
    const newSim = side('beaconNewLimited', 'floorNew')
    const updNo = side('beaconUpdatesUnlimited', 'floorExisting')
    const updSim = side('beaconUpdatesLimited', 'floorExisting')
    const floors = Object.fromEntries(
      ['bare', 'floorNew', 'floorExisting'].map((n) => [
        n,
        Object.fromEntries(CONCURRENCY.map((c) => [c, at(n, c)])),
      ]),
    )
    return {
      beacon: {
        method: { durationMs, reps, concurrency: CONCURRENCY, existingCarts: EXISTING },
        newCarts: {
          ...headline(newNo),
          rateLimit: 'without the local limiter (BENCH_MODE=no-rate-limit), as production pays',
          points: newNo,
          withLocalLimiter: { ...headline(newSim), points: newSim },
        },
        updates: {
          ...headline(updNo),
          rateLimit: 'without the local limiter (BENCH_MODE=no-rate-limit), as production pays',
          points: updNo,
          withLocalLimiter: { ...headline(updSim), points: updSim },
        },
        memoryMb: {
          before: memoryBeforeMb,
          after: round(limited.memoryMb() + unlimited.memoryMb(), 0),
        },
      },
      floors,
    }
  } finally {
    await Promise.all([floor.stop(), limited.stop(), unlimited.stop()])
  }
}

export default beaconBench

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await beaconBench({ quick: process.argv.includes('--quick') })
  console.log(JSON.stringify(result, null, 2))
}
