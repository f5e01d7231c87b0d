// Seeds the local D1 database with a year of carts for the dashboard benchmark, writing straight
// into the SQLite file miniflare keeps for D1 (the dev server must not be running). Rows follow
// what the queue consumer writes (src/db/projection.ts): times in epoch ms, money in minor units.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** The SQLite file behind the local D1 binding under a `--persist-to` directory. */
export function d1File(persistTo) {
  const dir = join(persistTo, 'v3', 'd1', 'miniflare-D1DatabaseObject')
  const files = readdirSync(dir).filter((f) => /^[0-9a-f]{64}\.sqlite$/.test(f))
  if (files.length !== 1) throw new Error(`expected one D1 database in ${dir}, found ${files}`)
  return join(dir, files[0])
}

/** mulberry32: a small seeded PRNG, so every run seeds the same carts. */
function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** Three stores: one big (70% of carts), one in euros, one small. */
export const STORES = [
  { id: 'st_benchBigStore0000000', name: 'Big Store', currency: 'USD', share: 0.7 },
  { id: 'st_benchEuroStore000000', name: 'Euro Store', currency: 'EUR', share: 0.15 },
  { id: 'st_benchSmallStore00000', name: 'Small Store', currency: 'USD', share: 0.15 },
]

// The status mix asked for by the benchmark issue (cumulative).
const STATUSES = [
  ['active', 0.1],
  ['abandoned', 0.45],
  ['restored', 0.05],
  ['recovered', 0.08],
  ['converted', 0.25],
  ['lost', 0.05],
  ['archived', 0.015],
  ['ignored', 0.005],
]
const STEPS = ['email-1h', 'sms-3h', 'email-24h']

/**
 * The big store's experiments (issue 15): a 10 % holdout running all year, and its first step
 * comparing two variants over the last 90 days. Its abandoned carts are in an arm; its
 * messaged carts with an email got that step's message, of one variant.
 */
export const EXPERIMENTS = {
  period: 'per_benchHoldout00000000',
  holdoutPercent: 10,
  step: 'email-1h',
  experiment: 'exp_benchVariants0000000',
  variantDays: 90,
}

function bigStoreSettings(now, days) {
  const tpl = (subject) => ({
    subject,
    heading: 'Still thinking it over?',
    body: 'Your cart is saved.',
    buttonLabel: 'Return',
  })
  return JSON.stringify({
    holdout: {
      percent: EXPERIMENTS.holdoutPercent,
      period: EXPERIMENTS.period,
      startedAt: new Date(now - days * DAY).toISOString(),
    },
    sequence: [
      {
        id: EXPERIMENTS.step,
        channel: 'email',
        delaySeconds: 3600,
        windowSeconds: 43_200,
        template: tpl('You left something in your cart'),
        variants: [{ id: 'b', template: tpl('Your cart, 10% off') }],
        experiment: {
          id: EXPERIMENTS.experiment,
          startedAt: new Date(now - EXPERIMENTS.variantDays * DAY).toISOString(),
        },
      },
    ],
  })
}

/**
 * Writes `count` carts over the `days` before `now` (plus the three stores), then ANALYZE.
 * Returns an email and a cart id from the middle of the data, to search for.
 * The carts indexes are dropped during the load and rebuilt from their own definitions
 * (sorted builds are much faster than a million random inserts into a dozen B-trees).
 */
export function seedCarts(file, { count = 1_000_000, days = 365, now = Date.now(), seed = 42 }) {
  const rnd = prng(seed)
  const db = new DatabaseSync(file)
  db.exec('PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY')
  const insertStore = db.prepare(
    `INSERT INTO stores (id, name, url, currency, publishable_key, allowed_origins,
       woocommerce_webhook_secret, settings, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, '[]', ?, ?, ?, ?)`,
  )
  const insertExperiment = db.prepare(
    `INSERT INTO experiments (store_id, id, kind, step_id, percent, variants, started_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  )
  const insertAssignment = db.prepare(
    `INSERT INTO assignments (store_id, cart_id, experiment, variant, assigned_at)
     VALUES (?, ?, ?, ?, ?)`,
  )
  const insertMessage = db.prepare(
    `INSERT INTO messages (id, store_id, cart_id, step_id, channel, "to", status, subject, text,
       provider, created_at, updated_at, delivered_at, clicked_at, variant, experiment)
     VALUES (?, ?, ?, ?, 'email', ?, 'delivered', ?, 'bench', 'outbox', ?, ?, ?, ?, ?, ?)`,
  )
  const indexes = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'carts' AND sql IS NOT NULL",
    )
    .all()
  db.exec('BEGIN')
  for (const [i, s] of STORES.entries()) {
    const host = `https://${s.name.toLowerCase().replace(/ /g, '-')}.example`
    const settings = i === 0 ? bigStoreSettings(now, days) : '{}'
    insertStore.run(
      s.id,
      s.name,
      host,
      s.currency,
      `pk_bench${i}`,
      `whsec_${i}`,
      settings,
      now,
      now,
    )
  }
  const big = STORES[0].id
  insertExperiment.run(
    big,
    EXPERIMENTS.period,
    'holdout',
    null,
    EXPERIMENTS.holdoutPercent,
    null,
    now - days * DAY,
  )
  insertExperiment.run(
    big,
    EXPERIMENTS.experiment,
    'step',
    EXPERIMENTS.step,
    null,
    '["a","b"]',
    now - EXPERIMENTS.variantDays * DAY,
  )
  for (const ix of indexes) db.exec(`DROP INDEX ${ix.name}`)
  const insert = db.prepare(
    `INSERT INTO carts (store_id, cart_id, revision, status, currency, total, item_count, email,
       phone, created_at, updated_at, last_activity_at, abandoned_at, restored_at, recovered_at,
       converted_at, lost_at, order_id, recovered_revenue, revenue_currency, recovered_step,
       recovered_channel, channels, clicked_at, step_id, steps_done, steps_total, experiment_arm,
       experiment_period, recovered_variant, experiment_reach)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const between = (lo, hi) => lo + Math.floor(rnd() * (hi - lo))
  const sample = { email: null, cartId: null }
  for (let n = 0; n < count; n++) {
    const r = rnd()
    const store = r < STORES[0].share ? STORES[0] : r < 0.85 ? STORES[1] : STORES[2]
    const currency = store.currency === 'EUR' || rnd() < 0.03 ? 'EUR' : 'USD'
    let cartId = ''
    for (let k = 0; k < 22; k++) cartId += B64[Math.floor(rnd() * 64)]
    let p = rnd()
    let status = 'ignored'
    for (const [s, w] of STATUSES) {
      if (p < w) {
        status = s
        break
      }
      p -= w
    }
    // Shoppers come back: ~400k distinct addresses over a million carts.
    const email = rnd() < 0.6 ? `shopper${Math.floor(rnd() * 400_000)}@example.com` : null
    const k = Math.floor(rnd() * 200_000)
    const phone =
      rnd() < 0.3 ? `+1${201 + (k % 700)}555${String(Math.floor(k / 700)).padStart(4, '0')}` : null
    const total = between(500, 30_001)
    const created = now - Math.floor(rnd() * days * DAY)
    const lastActivity = created + Math.floor(rnd() ** 2 * 3 * HOUR)
    let abandonedAt = null
    let restoredAt = null
    let clickedAt = null
    let recoveredAt = null
    let convertedAt = null
    let lostAt = null
    let orderId = null
    let recoveredRevenue = 0
    let recoveredStep = null
    let recoveredChannel = null
    let channels = 0
    let stepsDone = 0
    let stepsTotal = 0
    const everAbandoned =
      ['abandoned', 'restored', 'recovered', 'lost'].includes(status) ||
      ((status === 'archived' || status === 'ignored') && rnd() < 0.7)
    // The big store's abandoned carts are in its holdout: a tenth held out, sent nothing.
    const arm = everAbandoned && store === STORES[0] ? (rnd() < 0.1 ? 'holdout' : 'messaged') : null
    // Messages cause some recoveries: a held-out cart recovers half as often.
    if (arm === 'holdout' && status === 'recovered' && rnd() < 0.5) status = 'lost'
    if (everAbandoned) {
      abandonedAt = lastActivity + HOUR
      if ((email || phone) && arm !== 'holdout') {
        stepsTotal = STEPS.length
        stepsDone = status === 'lost' ? 3 : between(1, 4)
        if (email && rnd() < 0.95) channels |= 1
        if (phone && stepsDone >= 2 && rnd() < 0.6) channels |= 2
      }
      const clicked =
        channels !== 0 &&
        (status === 'restored' ||
          (status === 'recovered' && rnd() < 0.7) ||
          (status !== 'recovered' && rnd() < 0.05))
      if (clicked) {
        clickedAt = abandonedAt + between(HOUR, 48 * HOUR)
        if (status === 'restored' || status === 'recovered' || rnd() < 0.5) {
          restoredAt = clickedAt + between(1000, 30_000)
        }
      }
      if (status === 'recovered') {
        recoveredAt = (restoredAt ?? abandonedAt) + between(10 * MINUTE, 3 * DAY)
        orderId = `wc_${100_000 + n}`
        recoveredRevenue = rnd() < 0.9 ? total : between(500, 30_001)
        if (clickedAt) {
          recoveredChannel = channels & 2 && rnd() < 0.35 ? 'sms' : 'email'
          recoveredStep =
            recoveredChannel === 'sms' ? 'sms-3h' : rnd() < 0.7 ? 'email-1h' : 'email-24h'
        }
      }
      if (status === 'lost') lostAt = abandonedAt + 14 * DAY
    } else if (status === 'converted') {
      convertedAt = lastActivity + between(MINUTE, 30 * MINUTE)
      orderId = `wc_${100_000 + n}`
    }
    const times = [created, lastActivity, abandonedAt, restoredAt, clickedAt, recoveredAt]
    times.push(convertedAt, lostAt)
    let updated = Math.max(...times.filter((t) => t !== null))
    // Nothing happens after now: a cart whose story would end in the future moves back.
    const shift = updated > now ? updated - now + between(0, HOUR) : 0
    const at = (t) => (t === null ? null : t - shift)
    updated -= shift
    // The step's variant, for a messaged cart with an email abandoned in the experiment's days.
    const variant =
      arm === 'messaged' &&
      email &&
      stepsDone > 0 &&
      abandonedAt - shift > now - EXPERIMENTS.variantDays * DAY
        ? rnd() < 0.5
          ? 'a'
          : 'b'
        : null
    // Something to search for, from the middle of the data.
    if (n >= count / 2 && !sample.email && email) Object.assign(sample, { email, cartId })
    insert.run(
      store.id,
      cartId,
      1 + stepsDone + (orderId ? 1 : 0),
      status,
      currency,
      total,
      between(1, 7),
      email,
      phone,
      at(created),
      updated,
      at(lastActivity),
      at(abandonedAt),
      at(restoredAt),
      at(recoveredAt),
      at(convertedAt),
      at(lostAt),
      orderId,
      recoveredRevenue,
      recoveredAt ? currency : null,
      recoveredStep,
      recoveredChannel,
      channels,
      at(clickedAt),
      stepsDone > 0 ? STEPS[stepsDone - 1] : null,
      stepsDone,
      stepsTotal,
      arm,
      arm ? EXPERIMENTS.period : null,
      variant && recoveredStep === EXPERIMENTS.step ? variant : null,
      arm ? (email && phone ? 'both' : email ? 'email' : phone ? 'phone' : 'none') : null,
    )
    if (variant) {
      const sent = Math.min(at(abandonedAt) + HOUR, now)
      insertAssignment.run(store.id, cartId, EXPERIMENTS.experiment, variant, sent)
      insertMessage.run(
        `msg_bench${n}`,
        store.id,
        cartId,
        EXPERIMENTS.step,
        email,
        variant === 'a' ? 'You left something in your cart' : 'Your cart, 10% off',
        sent,
        sent,
        rnd() < 0.97 ? sent + MINUTE : null,
        recoveredStep === EXPERIMENTS.step ? at(clickedAt) : null,
        variant,
        EXPERIMENTS.experiment,
      )
    }
  }
  for (const ix of indexes) db.exec(ix.sql)
  db.exec('COMMIT')
  // The planner's statistics (sqlite_stat1); see docs/design/dashboard-speed.md on production.
  db.exec('ANALYZE')
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)')
  db.close()
  return sample
}
