// The experiment rollups (migration 0019) follow every write to carts and messages exactly,
// and the figures read from them equal those read from the rows themselves (issue 15).
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { random } from '#test/random'
import { cartReportRow } from '#test/reports'
import type { CartReport } from '../domain/cart/report'
import type { MessageReport } from '../domain/message/report'
import {
  armCounts,
  armRowsByCart,
  armRowsByDay,
  assignmentsPage,
  experimentWrites,
} from './experiments'
import { eraseCartRows, writeCartReports, writeMessageReports } from './projection'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 9, 1)

/** Any cart, in an arm or not, with or without contacts, recovered or not. */
function randomCart(r: () => number, storeId: string, cartId: string, revision: number) {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)] as T
  const recoveredAt = r() < 0.35 ? T0 + Math.floor(r() * 10 * DAY) : null
  const arm = pick(['holdout', 'messaged', null] as const)
  return cartReportRow({
    storeId,
    cartId,
    revision,
    status: recoveredAt ? 'recovered' : 'abandoned',
    currency: pick(['USD', 'EUR']),
    total: 5000,
    createdAt: T0,
    updatedAt: T0 + revision,
    lastActivityAt: T0,
    abandonedAt: r() < 0.9 ? T0 + Math.floor(r() * 10 * DAY) : null,
    recoveredAt,
    recoveredRevenue: recoveredAt ? Math.floor(r() * 9000) : 0,
    revenueCurrency: recoveredAt ? pick(['USD', 'USD', 'GBP']) : null,
    email: r() < 0.6 ? `${cartId}@example.com` : null,
    phone: r() < 0.4 ? '+14155550100' : null,
    experimentArm: arm,
    experimentPeriod: arm ? pick(['per_a', 'per_b']) : null,
    experimentReach: arm ? pick(['email', 'phone', 'both', 'none', null] as const) : null,
    // Given a variant of one or two step experiments, at some point of the episode (or before
    // it: an assignment from an earlier episode does not count for this one's recovery).
    assignments: (['exp_x', 'exp_y'] as const)
      .filter(() => r() < 0.5)
      .map((experiment) => ({
        experiment,
        variant: pick(['a', 'b']),
        at: T0 + Math.floor(r() * 10 * DAY),
      })),
  })
}

function randomMessage(r: () => number, c: CartReport, i: number): MessageReport {
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)] as T
  const experiment = pick(['exp_x', 'exp_y', null])
  return {
    kind: 'message',
    id: `msg_${c.cartId}_${i}`,
    storeId: c.storeId,
    cartId: c.cartId,
    stepId: 'email-1h',
    channel: 'email',
    to: 'shopper@example.com',
    status: pick(['sent', 'sent', 'failed']),
    subject: 's',
    preheader: null,
    text: 't',
    html: null,
    provider: 'outbox',
    providerId: null,
    error: null,
    createdAt: T0 + Math.floor(r() * 10 * DAY),
    updatedAt: T0 + 1,
    variant: experiment ? pick(['a', 'b']) : null,
    experiment,
  }
}

const rowsOf = async (sql: string, ...params: unknown[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...params)
      .all()
  ).results.map((x) => JSON.stringify(x))

/** arm_days and variant_days as kept, and computed afresh from carts and messages. */
async function both(stores: string[]) {
  const $S = stores.map(() => '?').join(', ')
  const reach = `COALESCE(experiment_reach, CASE WHEN email IS NOT NULL AND phone IS NOT NULL
    THEN 'both' WHEN email IS NOT NULL THEN 'email' WHEN phone IS NOT NULL THEN 'phone'
    ELSE 'none' END)`
  const arms = {
    kept: await rowsOf(
      `SELECT store_id, period, arm, day, currency, reach, carts, recovered, revenue, squares
       FROM arm_days WHERE store_id IN (${$S}) AND (carts != 0 OR squares != 0)
       ORDER BY 1, 2, 3, 4, 5, 6`,
      ...stores,
    ),
    fresh: await rowsOf(
      `SELECT store_id, experiment_period AS period, experiment_arm AS arm,
         abandoned_at / ${DAY} AS day, COALESCE(revenue_currency, currency) AS currency,
         ${reach} AS reach, COUNT(*) AS carts, SUM(recovered_at IS NOT NULL) AS recovered,
         SUM(CASE WHEN recovered_at IS NOT NULL THEN recovered_revenue ELSE 0 END) AS revenue,
         TOTAL(CASE WHEN recovered_at IS NOT NULL
           THEN CAST(recovered_revenue AS REAL) * recovered_revenue ELSE 0 END) AS squares
       FROM carts WHERE store_id IN (${$S}) AND experiment_arm IS NOT NULL
         AND experiment_period IS NOT NULL AND abandoned_at IS NOT NULL
       GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`,
      ...stores,
    ),
  }
  const variants = {
    kept: await rowsOf(
      `SELECT store_id, experiment, variant, day, currency, assigned, sends, delivered, clicked,
         recovered, revenue, squares FROM variant_days WHERE store_id IN (${$S})
         AND (assigned != 0 OR sends != 0 OR delivered != 0 OR clicked != 0 OR recovered != 0
           OR squares != 0)
       ORDER BY 1, 2, 3, 4, 5`,
      ...stores,
    ),
    fresh: await rowsOf(
      `SELECT store_id, experiment, variant, day, currency, SUM(assigned) AS assigned,
         SUM(sends) AS sends, SUM(delivered) AS delivered, SUM(clicked) AS clicked,
         SUM(recovered) AS recovered, SUM(revenue) AS revenue, TOTAL(squares) AS squares
       FROM (
         SELECT store_id, experiment, variant, assigned_at / ${DAY} AS day, '' AS currency,
           COUNT(*) AS assigned, 0 AS sends, 0 AS delivered, 0 AS clicked, 0 AS recovered,
           0 AS revenue, 0.0 AS squares
         FROM assignments WHERE store_id IN (${$S}) GROUP BY 1, 2, 3, 4
         UNION ALL
         SELECT store_id, experiment, variant, created_at / ${DAY}, '', 0,
           SUM(status != 'failed'), SUM(delivered_at IS NOT NULL), SUM(clicked_at IS NOT NULL),
           0, 0, 0.0
         FROM messages WHERE store_id IN (${$S}) AND experiment IS NOT NULL AND variant IS NOT NULL
         GROUP BY 1, 2, 3, 4
         UNION ALL
         SELECT a.store_id, a.experiment, a.variant, a.assigned_at / ${DAY},
           COALESCE(c.revenue_currency, c.currency), 0, 0, 0, 0, COUNT(*), SUM(c.recovered_revenue),
           TOTAL(CAST(c.recovered_revenue AS REAL) * c.recovered_revenue)
         FROM assignments a JOIN carts c ON c.store_id = a.store_id AND c.cart_id = a.cart_id
         WHERE a.store_id IN (${$S}) AND c.recovered_at IS NOT NULL
           AND a.assigned_at >= c.abandoned_at
         GROUP BY 1, 2, 3, 4, 5)
       GROUP BY 1, 2, 3, 4, 5
       HAVING SUM(assigned) != 0 OR SUM(sends) != 0 OR SUM(delivered) != 0 OR SUM(clicked) != 0
         OR SUM(recovered) != 0
       ORDER BY 1, 2, 3, 4, 5`,
      ...stores,
      ...stores,
      ...stores,
    ),
  }
  return { arms, variants }
}

describe('experiment rollups', () => {
  it('follow carts and messages through inserts, updates, replays and erasures exactly', async () => {
    const r = random(11)
    const stores = ['st_exp_a', 'st_exp_b']
    const ids = Array.from({ length: 50 }, (_, i) => `cart_exprollup_${String(i).padStart(6, '0')}`)
    const store = (i: number) => stores[i % 2] as string
    let carts = ids.map((id, i) => randomCart(r, store(i), id, 1))
    // Some messages land before their cart's row, some after (the queue does not order them).
    const messages = carts.flatMap((c, i) =>
      Array.from({ length: Math.floor(r() * 3) }, (_, k) => randomMessage(r, c, i * 10 + k)),
    )
    const early = messages.filter(() => r() < 0.4)
    await writeMessageReports(env.DB, early)
    await writeCartReports(env.DB, carts)
    await writeMessageReports(
      env.DB,
      messages.filter((m) => !early.includes(m)),
    )
    await writeCartReports(env.DB, carts) // a replay changes nothing
    // Newer revisions: recoveries come and go, arms, periods, contacts and days change.
    for (let revision = 2; revision < 6; revision++) {
      carts = carts.map((c) =>
        r() < 0.5 ? { ...randomCart(r, c.storeId, c.cartId, revision) } : c,
      )
      await writeCartReports(env.DB, carts)
    }
    // Provider events: delivered, clicked, a late failure; a message replayed.
    for (const m of messages.filter(() => r() < 0.5)) {
      const col = ['delivered_at', 'clicked_at', 'status'][Math.floor(r() * 3)]
      const set = col === 'status' ? "status = 'failed'" : `${col} = ${T0 + DAY}`
      await env.DB.prepare(`UPDATE messages SET ${set} WHERE id = ?`).bind(m.id).run()
    }
    await writeMessageReports(env.DB, messages.slice(0, 10))
    for (const id of ids.filter(() => r() < 0.2)) {
      await eraseCartRows(env.DB, store(ids.indexOf(id)), id, 99)
    }
    const { arms, variants } = await both(stores)
    expect(arms.kept.length).toBeGreaterThan(10)
    expect(arms.kept).toEqual(arms.fresh)
    expect(variants.kept.length).toBeGreaterThan(10)
    expect(variants.kept).toEqual(variants.fresh)

    // The rows from the rollups equal those read from the carts, for every period and range of
    // whole days; a range with a time of day (rollups inside, carts at its ends) gives what the
    // carts alone give.
    const sortedRows = (r: D1Result) =>
      (r.results as { carts: number }[])
        .filter((x) => x.carts !== 0)
        .map((x) => JSON.stringify(x))
        .sort()
    for (const period of ['per_a', 'per_b']) {
      for (const storeId of stores) {
        const q = { storeId, period, currency: 'USD' }
        for (const [from, to] of [
          [T0, T0 + 11 * DAY],
          [T0 + 2 * DAY, T0 + 5 * DAY],
        ] as const) {
          expect(sortedRows(await armRowsByDay(env.DB, { ...q, from, to }).all())).toEqual(
            sortedRows(await armRowsByCart(env.DB, { ...q, from, to }).all()),
          )
        }
        const from = T0 + DAY + 3_600_000
        const to = T0 + 8 * DAY + 7_200_000
        const mixed = await armCounts(env.DB, { ...q, from, to })
        const { results: carts } = await armRowsByCart(env.DB, { ...q, from, to }).all<{
          carts: number
        }>()
        const whole = await armCounts(env.DB, { ...q, from: T0, to: T0 + 11 * DAY })
        expect(mixed.holdout.carts + mixed.messaged.carts).toBe(
          carts.reduce((n, r) => n + r.carts, 0),
        )
        expect(whole.holdout.carts + whole.messaged.carts).toBeGreaterThanOrEqual(
          mixed.holdout.carts + mixed.messaged.carts,
        )
      }
    }
  }, 60_000)

  it("pages through a period's carts in order, none lost or repeated", async () => {
    const storeId = 'st_exp_pages'
    const reports = Array.from({ length: 23 }, (_, i) =>
      cartReportRow({
        storeId,
        cartId: `cart_exppage_${String(i).padStart(6, '0')}`,
        revision: 1,
        status: 'abandoned',
        abandonedAt: T0 + (i % 5) * 1000,
        experimentArm: i % 3 ? 'messaged' : 'holdout',
        experimentPeriod: 'per_pages',
      }),
    )
    await writeCartReports(env.DB, reports)
    const seen: string[] = []
    let after = null
    for (let guard = 0; guard < 10; guard++) {
      const page = await assignmentsPage(env.DB, {
        storeId,
        experiment: { id: 'per_pages', kind: 'holdout' },
        after,
        limit: 5,
      })
      seen.push(...page.rows.map((x) => ('cartId' in x ? x.cartId : '')))
      if (!page.next) break
      after = page.next
    }
    expect(seen).toHaveLength(23)
    expect(new Set(seen).size).toBe(23)
  })

  it('lists experiments started and ends them once, with the variant kept', async () => {
    const storeId = 'st_exp_history'
    const run = async (changes: Parameters<typeof experimentWrites>[2]) => {
      for (const q of experimentWrites(env.DB, storeId, changes)) await q.run()
    }
    const step = {
      change: 'started' as const,
      kind: 'step' as const,
      stepId: 'e',
      variants: ['a', 'b'],
    }
    await run([{ ...step, id: 'exp_h1', at: T0 }])
    await run([{ change: 'started', kind: 'holdout', id: 'per_h1', percent: 10, at: T0 + 1 }])
    await run([{ change: 'ended', id: 'exp_h1', kept: 'b', at: T0 + 2 }])
    await run([{ change: 'ended', id: 'exp_h1', kept: 'a', at: T0 + 3 }]) // ended: unchanged
    // Two saves at once each started an experiment for step e: the later start ends the other.
    await run([{ ...step, id: 'exp_h2', at: T0 + 4 }])
    await run([{ ...step, id: 'exp_h3', at: T0 + 5 }])
    const rows = await env.DB.prepare(
      'SELECT id, kind, step_id, percent, variants, started_at, ended_at, kept FROM experiments WHERE store_id = ? ORDER BY id',
    )
      .bind(storeId)
      .all()
    expect(rows.results).toEqual([
      {
        id: 'exp_h1',
        kind: 'step',
        step_id: 'e',
        percent: null,
        variants: '["a","b"]',
        started_at: T0,
        ended_at: T0 + 2,
        kept: 'b',
      },
      expect.objectContaining({ id: 'exp_h2', started_at: T0 + 4, ended_at: T0 + 5, kept: null }),
      expect.objectContaining({ id: 'exp_h3', started_at: T0 + 5, ended_at: null }),
      {
        id: 'per_h1',
        kind: 'holdout',
        step_id: null,
        percent: 10,
        variants: null,
        started_at: T0 + 1,
        ended_at: null,
        kept: null,
      },
    ])
  })

  it("withdraws a variant its cart's newest report no longer lists (the experiment was replaced)", async () => {
    const storeId = 'st_exp_withdraw'
    const report = (
      revision: number,
      assignments: { experiment: string; variant: string; at: number }[],
    ) =>
      cartReportRow({
        storeId,
        cartId: 'cart_expwithdraw_0001',
        revision,
        status: 'abandoned',
        abandonedAt: T0,
        assignments,
      })
    const given = { experiment: 'exp_w1', variant: 'b', at: T0 + 1000 }
    const assigned = async () =>
      (
        await env.DB.prepare(
          "SELECT COALESCE(SUM(assigned), 0) AS n FROM variant_days WHERE store_id = ? AND experiment = 'exp_w1'",
        )
          .bind(storeId)
          .first<{ n: number }>()
      )?.n
    await writeCartReports(env.DB, [report(2, [given])])
    expect(await assigned()).toBe(1)
    // A late, older report without it changes nothing.
    await writeCartReports(env.DB, [report(1, [])])
    expect(await assigned()).toBe(1)
    // The newest report no longer lists it: withdrawn, and the rollup follows.
    await writeCartReports(env.DB, [report(3, [{ ...given, experiment: 'exp_w2', at: T0 + 2000 }])])
    expect(await assigned()).toBe(0)
    const rows = await env.DB.prepare('SELECT experiment FROM assignments WHERE store_id = ?')
      .bind(storeId)
      .all()
    expect(rows.results).toEqual([{ experiment: 'exp_w2' }])
  })
})
