// The bench's one load generator, used for every target (bare Worker, floor, Cartback): a fixed
// duration, N clients each with one request in flight over a keep-alive connection of its own,
// a new client address (CF-Connecting-IP) per request. node:http rather than fetch: the
// generator shares the 2 cores with workerd, so it should spend as little of them as it can.
import { Agent, request as httpRequest } from 'node:http'

let clientAddress = 0

/** A new address per request: 10.x.y.z, never the same twice in one bench run (16M). */
function nextAddress() {
  const n = ++clientAddress
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`
}

function send(agent, url, { method = 'POST', path, headers = {}, body = '' }) {
  return new Promise((resolve) => {
    const req = httpRequest(
      new URL(path, url),
      {
        method,
        agent,
        headers: {
          ...headers,
          'CF-Connecting-IP': nextAddress(),
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }))
        res.on('error', (err) => resolve({ status: 0, body: String(err) }))
      },
    )
    req.on('error', (err) => resolve({ status: 0, body: String(err) }))
    req.end(body)
  })
}

function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}

/**
 * Runs `concurrency` clients against `url` for `durationMs`; `make(i)` gives the i-th request
 * ({ method, path, headers, body }). Returns throughput (2xx answers per second), p50 and p99
 * latency over every request, and errors (non-2xx or network), with a sample of the first.
 */
export async function runLoad({ url, concurrency, durationMs, make }) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const times = []
  let next = 0
  let ok = 0
  let errors = 0
  let firstError = null
  const t0 = performance.now()
  const end = t0 + durationMs
  async function client() {
    while (performance.now() < end) {
      const i = next++
      const start = performance.now()
      const res = await send(agent, url, make(i))
      times.push(performance.now() - start)
      if (res.status >= 200 && res.status < 300) ok++
      else {
        errors++
        firstError ??= `${res.status} ${String(res.body).slice(0, 200)}`
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, client))
  const seconds = (performance.now() - t0) / 1000
  agent.destroy()
  times.sort((a, b) => a - b)
  return {
    concurrency,
    seconds: round(seconds, 2),
    requests: times.length,
    rps: round(ok / seconds, 1),
    p50Ms: round(quantile(times, 0.5), 1),
    p99Ms: round(quantile(times, 0.99), 1),
    errors,
    ...(firstError ? { firstError } : {}),
  }
}

/** Sends each request once, `concurrency` at a time (warming objects); throws on any error. */
export async function warm({ url, count, concurrency = 16, make }) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  let next = 0
  async function client() {
    while (next < count) {
      const i = next++
      const res = await send(agent, url, make(i))
      if (res.status < 200 || res.status >= 300)
        throw new Error(`warm-up request ${i}: ${res.status} ${String(res.body).slice(0, 200)}`)
    }
  }
  try {
    await Promise.all(Array.from({ length: concurrency }, client))
  } finally {
    agent.destroy()
  }
}

export function round(v, digits = 2) {
  const f = 10 ** digits
  return Math.round(v * f) / f
}

/** The median of numbers, with the spread: { median, min, max }. */
export function spread(values) {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b)
  if (s.length === 0) return { median: null, min: null, max: null }
  const mid = s.length >> 1
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
  return { median: round(median, 3), min: round(s[0], 3), max: round(s.at(-1), 3) }
}

/** Several runs of one point as medians with their spread; errors summed over the runs. */
export function summarize(runs) {
  return {
    concurrency: runs[0]?.concurrency,
    reps: runs.length,
    rps: spread(runs.map((r) => r.rps)),
    p50Ms: spread(runs.map((r) => r.p50Ms)),
    p99Ms: spread(runs.map((r) => r.p99Ms)),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    ...(runs.find((r) => r.firstError)
      ? { firstError: runs.find((r) => r.firstError).firstError }
      : {}),
  }
}

/** Point settings: about 20 s per point and 3 repetitions; --quick: 5 s and 1. */
export function points(quick) {
  return quick ? { durationMs: 5_000, reps: 1 } : { durationMs: 20_000, reps: 3 }
}
