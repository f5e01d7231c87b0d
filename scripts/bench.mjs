// `npm run bench` (and `npm run bench:quick`: --quick, smaller): Cartback against the platform's
// own floors, in one run (issue 14; method in docs/design/performance.md). Each part under
// scripts/bench/ starts its own servers, runs, stops them and returns its part of the summary;
// this runs them one after another, writes .bench/summary.json and prints a table. It exits
// non-zero when a part breaks or reports errors, never on timing.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT } from './lib/dev-server.mjs'

const quick = process.argv.includes('--quick')
// The parts in running order; lateness and cost are written by others and may be absent.
const PARTS = ['beacon', 'sms', 'lateness', 'cost', 'webhooks']
// The keys issue 14 requires of the summary.
const REQUIRED = [
  'beacon.newCarts.ratioToBare',
  'beacon.newCarts.ratioToFloor',
  'beacon.updates.ratioToBare',
  'beacon.updates.ratioToFloor',
  'lateness.carts',
  'lateness.p99Ms',
  'lateness.maxMs',
  'lateness.d1VisibleMs',
  'lateness.floor.carts',
  'lateness.floor.p50Ms',
  'lateness.floor.p99Ms',
  'lateness.floor.maxMs',
  'lateness.p99RatioToFloor',
  'lateness.maxRatioToFloor',
  'sms.ackP99RatioToBare',
  'cost.usdPer10kCarts',
  'webhooks.p99RatioToBaseline',
  'webhooks.rpsRatioToBaseline',
]

const get = (o, path) => path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), o)

/** The part's one exported function: the default export, or else its first exported function. */
function entry(mod) {
  if (typeof mod.default === 'function') return mod.default
  return Object.values(mod).find((v) => typeof v === 'function')
}

/** Every `errors` count a part reports, wherever it sits in its result, with its path. */
function errorsIn(value, path = '') {
  if (value === null || typeof value !== 'object') return []
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'errors' && typeof v === 'number'
      ? v > 0
        ? [`${path}${k} = ${v}`]
        : []
      : errorsIn(v, `${path}${k}.`),
  )
}

const summary = { at: new Date().toISOString(), quick, cpus: cpus().length, node: process.version }
const problems = []
const seconds = {}
for (const part of PARTS) {
  const file = join(ROOT, 'scripts', 'bench', `${part}.mjs`)
  if (!existsSync(file)) {
    console.log(`· ${part}: skipped (scripts/bench/${part}.mjs is not there yet)`)
    continue
  }
  const t0 = performance.now()
  console.log(`· ${part}…`)
  try {
    const run = entry(await import(pathToFileURL(file).href))
    if (!run) throw new Error(`scripts/bench/${part}.mjs exports no function`)
    const result = await run({ quick })
    Object.assign(summary, result)
    problems.push(...errorsIn(result).map((e) => `${part}: ${e}`))
  } catch (err) {
    problems.push(`${part}: ${err?.stack ?? err}`)
  }
  seconds[part] = Math.round((performance.now() - t0) / 1000)
}
summary.seconds = seconds
summary.missing = REQUIRED.filter((k) => get(summary, k) === undefined)

mkdirSync(join(ROOT, '.bench'), { recursive: true })
writeFileSync(join(ROOT, '.bench', 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`)
printTable(summary)
console.log(
  `written to .bench/summary.json (${quick ? 'quick' : 'full'} run; seconds per part:`,
  `${JSON.stringify(seconds)})`,
)
if (problems.length > 0) {
  console.error(`\nThe bench reported problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  process.exit(1)
}

function printTable(s) {
  const f = (v, digits = 0) => (typeof v === 'number' ? v.toFixed(digits) : '—')
  const range = (r, d = 0) => (r ? `${f(r.median, d)} (${f(r.min, d)}–${f(r.max, d)})` : '—')
  const rows = []
  const row = (what, p, extra = '') =>
    rows.push([
      what,
      p?.concurrency ?? '',
      range(p?.rps),
      range(p?.p50Ms),
      range(p?.p99Ms),
      p?.errors ?? '—',
      extra,
    ])
  for (const c of [16, 64]) {
    row('bare Worker', s.floors?.bare?.[c])
    row('floor, new objects', s.floors?.floorNew?.[c])
    row('floor, 1,000 existing', s.floors?.floorExisting?.[c])
    const ratios = (p) =>
      p ? `×${range(p.ratioToFloor, 2)} floor, ×${range(p.ratioToBare, 2)} bare` : ''
    const b = s.beacon
    row('beacon new', b?.newCarts?.points?.[c], ratios(b?.newCarts?.points?.[c]))
    row(
      'beacon new (local limiter)',
      b?.newCarts?.withLocalLimiter?.points?.[c],
      ratios(b?.newCarts?.withLocalLimiter?.points?.[c]),
    )
    row('beacon updates', b?.updates?.points?.[c], ratios(b?.updates?.points?.[c]))
    row(
      'beacon updates (local limiter)',
      b?.updates?.withLocalLimiter?.points?.[c],
      ratios(b?.updates?.withLocalLimiter?.points?.[c]),
    )
  }
  row('bare route, 50 in flight', s.sms?.bare)
  row(
    'floor, 50 senders, 50 in flight',
    s.sms?.floor,
    s.sms?.floor ? `p99 ×${f(s.sms.floorP99RatioToBare, 2)} bare` : '',
  )
  row(
    'SMS ack, 50 in flight',
    s.sms?.ack,
    s.sms
      ? `p99 ×${f(s.sms.ackP99RatioToBare, 2)} bare, ×${f(s.sms.ackP99RatioToFloor, 2)} floor`
      : '',
  )
  row('beacon, no webhook backlog', s.webhooks?.beaconBaseline)
  row(
    'beacon, 1,000 events to a slow receiver',
    s.webhooks?.beaconDuringBacklog,
    s.webhooks
      ? `p99 ×${f(s.webhooks.p99RatioToBaseline, 2)}, req/s ×${f(s.webhooks.rpsRatioToBaseline, 2)} no backlog`
      : '',
  )
  const head = ['target', 'clients', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'throughput ratio']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)))
  const line = (r) =>
    r
      .map((v, i) => String(v).padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`)
  for (const r of rows) console.log(line(r))
  console.log(
    '\nmedian (min–max) over the repetitions; "beacon" without the local limiter unless said.',
  )
  console.log('\nsummary keys:')
  for (const k of REQUIRED) console.log(`  ${k.padEnd(30)} ${get(s, k) ?? '— (part absent)'}`)
}
