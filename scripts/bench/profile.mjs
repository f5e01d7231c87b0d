// Where the Worker's time goes per beacon: a V8 CPU profile of Cartback (the Worker and its
// objects share one isolate under `wrangler dev`), taken through its DevTools endpoint while the
// bench's load generator sends cart beacons for new carts or for updates to 1,000 existing ones.
// Prints the functions with the most self time (a share of the isolate's busy time); `--out FILE`
// keeps the whole profile (open it in Chrome's DevTools). A tool for finding work to remove, not a figure of the bench: the shares
// include time the thread spends blocked in the platform's own calls (SQLite, object creation),
// charged to whichever JavaScript frame made them.
//
//   node scripts/bench/profile.mjs [--new] [--seconds 8] [--out profile.cpuprofile]
import { writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { freePort } from '../lib/dev-server.mjs'
import { beacon, EXISTING, newCart } from './beacon.mjs'
import { startCartback } from './cartback.mjs'
import { runLoad, warm } from './load.mjs'

/** One DevTools session over the endpoint's WebSocket: `call(method, params)` → result. */
async function devtools(port) {
  const [target] = await (await fetch(`http://127.0.0.1:${port}/json`)).json()
  // The inspector proxy accepts only connections that name a local origin.
  const ws = new WebSocket(target.webSocketDebuggerUrl, {
    headers: { Origin: `http://127.0.0.1:${port}` },
  })
  await new Promise((resolve, reject) => {
    ws.onopen = resolve
    ws.onerror = () => reject(new Error('the DevTools endpoint refused the connection'))
  })
  const pending = new Map()
  let id = 0
  ws.onmessage = (m) => {
    const msg = JSON.parse(String(m.data))
    const waiting = pending.get(msg.id)
    if (!waiting) return
    pending.delete(msg.id)
    if (msg.error) waiting.reject(new Error(`DevTools: ${msg.error.message}`))
    else waiting.resolve(msg.result)
  }
  return {
    call: (method, params = {}) =>
      new Promise((resolve, reject) => {
        pending.set(++id, { resolve, reject })
        ws.send(JSON.stringify({ id, method, params }))
      }),
    close: () => ws.close(),
  }
}

/**
 * Self time per function (name, file, line), as shares of the isolate's busy time (the samples
 * taken while it was idle left out), largest first. The isolate runs the Worker, its objects and
 * the Queue consumer alike. A sample stands for the time until the next one, as in DevTools.
 */
export function selfTimes(profile) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map()
  let total = 0
  profile.samples.forEach((s, i) => {
    const { functionName, url, lineNumber } = nodes.get(s).callFrame
    if (functionName === '(idle)') return
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`
    const dt = profile.timeDeltas[i + 1] ?? 0
    self.set(key, (self.get(key) ?? 0) + dt)
    total += dt
  })
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([where, t]) => ({ where, share: Math.round((t / total) * 1000) / 10 }))
}

export async function profileBeacons({ fresh = false, seconds = 8, out } = {}) {
  const port = await freePort()
  const app = await startCartback({ BENCH_MODE: 'no-rate-limit' }, { inspectorPort: port })
  try {
    const store = await app.createStore('Bench profile')
    const existing = Array.from({ length: EXISTING }, newCart)
    await warm({ url: app.url, count: EXISTING, make: (i) => beacon(store, existing[i], i) })
    const make = fresh
      ? (i) => beacon(store, newCart(), i)
      : (i) => beacon(store, existing[i % EXISTING], i)
    const session = await devtools(port)
    await session.call('Profiler.enable')
    await session.call('Profiler.setSamplingInterval', { interval: 200 })
    await session.call('Profiler.start')
    const load = await runLoad({ url: app.url, concurrency: 16, durationMs: seconds * 1000, make })
    const { profile } = await session.call('Profiler.stop')
    session.close()
    if (out) writeFileSync(out, JSON.stringify(profile))
    return {
      beacons: fresh ? 'new carts' : 'updates',
      rps: load.rps,
      errors: load.errors,
      top: selfTimes(profile).slice(0, 25),
    }
  } finally {
    await app.stop()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { new: { type: 'boolean' }, seconds: { type: 'string' }, out: { type: 'string' } },
  })
  const result = await profileBeacons({
    fresh: values.new,
    seconds: Number(values.seconds ?? 8),
    out: values.out,
  })
  console.log(`${result.beacons}: ${result.rps} beacons/s, ${result.errors} errors`)
  for (const { where, share } of result.top) console.log(`${String(share).padStart(5)} %  ${where}`)
}
