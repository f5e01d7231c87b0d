import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { random } from '#test/random'
import { cartReportRow } from '#test/reports'
import type { CartReport } from '../domain/cart/report'
import type { CartStatus } from '../domain/cart/types'
import { overviewRowsByCart } from './overview'
import { eraseCartRows, writeCartReports } from './projection'
import { overviewRowsByDay, statsRowsByDay } from './rollups'
import { statsRowsByCart } from './stats'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 9, 1)

const STATUSES: CartStatus[] = ['active', 'abandoned', 'restored', 'recovered', 'converted', 'lost']

/** Any cart at all: the rollups must follow whatever the carts table holds. */
function randomReport(r: () => number, storeId: string, cartId: string, revision: number) {
  const at = (p: number) => (r() < p ? T0 + Math.floor(r() * 12 * DAY) : null)
  const recoveredAt = at(0.3)
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)] as T
  return cartReportRow({
    storeId,
    cartId,
    revision,
    status: pick(STATUSES),
    currency: pick(['USD', 'EUR']),
    total: Math.floor(r() * 10_000),
    createdAt: T0 + Math.floor(r() * 12 * DAY),
    updatedAt: T0 + revision,
    lastActivityAt: T0,
    abandonedAt: at(0.7),
    restoredAt: at(0.3),
    recoveredAt,
    convertedAt: at(0.2),
    recoveredRevenue: recoveredAt ? Math.floor(r() * 5000) : 0,
    revenueCurrency: recoveredAt && r() < 0.2 ? 'GBP' : null,
    recoveredStep: recoveredAt && r() < 0.7 ? pick(['email-1h', 'sms-3h']) : null,
    recoveredChannel: recoveredAt && r() < 0.7 ? pick(['email', 'sms'] as const) : null,
    channels: Math.floor(r() * 4),
    clickedAt: at(0.3),
  })
}

/** cart_days computed afresh from carts (the migration's backfill, every kind), non-zero rows. */
async function recomputed(stores: string[]) {
  const q = (sql: string) =>
    env.DB.prepare(sql.replaceAll('$S', stores.map(() => '?').join(', ')))
      .bind(...stores)
      .all()
      .then((r) => r.results)
  const fresh = await q(
    `SELECT store_id, kind, day, d1, d2, d3, n, value, at_risk, messaged, clicked, restored,
       recovered FROM (
     SELECT store_id, 'created' AS kind, created_at / ${DAY} AS day, status AS d1, '' AS d2, '' AS d3,
       COUNT(*) AS n, 0 AS value, 0 AS at_risk, 0 AS messaged, 0 AS clicked, 0 AS restored, 0 AS recovered
     FROM carts GROUP BY 1, 3, 4
     UNION ALL SELECT store_id, 'abandoned', abandoned_at / ${DAY}, currency, '', '', COUNT(*),
       SUM(CASE WHEN status IN ('abandoned', 'restored') THEN total ELSE 0 END),
       SUM(status IN ('abandoned', 'restored')), SUM(channels != 0), SUM(clicked_at IS NOT NULL),
       SUM(restored_at IS NOT NULL), SUM(recovered_at IS NOT NULL)
     FROM carts WHERE abandoned_at IS NOT NULL GROUP BY 1, 3, 4
     UNION ALL SELECT store_id, 'converted', converted_at / ${DAY}, '', '', '', COUNT(*), 0, 0, 0, 0, 0, 0
     FROM carts WHERE converted_at IS NOT NULL GROUP BY 1, 3
     UNION ALL SELECT store_id, 'recovered', recovered_at / ${DAY}, COALESCE(recovered_channel, ''),
       COALESCE(recovered_step, ''), COALESCE(revenue_currency, currency), COUNT(*),
       SUM(recovered_revenue), 0, 0, 0, 0, 0
     FROM carts WHERE recovered_at IS NOT NULL GROUP BY 1, 3, 4, 5, 6)
     WHERE store_id IN ($S) ORDER BY 1, 2, 3, 4, 5, 6`,
  )
  const kept = await q(
    `SELECT store_id, kind, day, d1, d2, d3, n, value, at_risk, messaged, clicked, restored,
       recovered FROM cart_days WHERE store_id IN ($S) AND (n != 0 OR value != 0)
     ORDER BY 1, 2, 3, 4, 5, 6`,
  )
  return { fresh, kept }
}

/**
 * One column changed at a time (a kind appearing, going, or moving to another day), each read by
 * some kind of rollup or by none. The report's upsert never changes `created_at` or `store_id`:
 * those are changed by hand in the test.
 */
const ONE_COLUMN: ((c: CartReport, r: () => number) => Partial<CartReport>)[] = [
  (c) => ({ total: c.total + 7 }),
  (c) => ({ status: c.status === 'active' ? 'abandoned' : 'active' }),
  (c) => ({ currency: c.currency === 'USD' ? 'EUR' : 'USD' }),
  (c) => ({ channels: (c.channels + 1) % 4 }),
  (c) => ({ abandonedAt: c.abandonedAt === null ? T0 + 3 * DAY : null }),
  (c) => ({ abandonedAt: c.abandonedAt === null ? null : c.abandonedAt + DAY }),
  (c) => ({ restoredAt: c.restoredAt === null ? T0 + 4 * DAY : null }),
  (c) => ({ clickedAt: c.clickedAt === null ? T0 + 4 * DAY : null }),
  (c) => ({ convertedAt: c.convertedAt === null ? T0 + 5 * DAY : null }),
  (c) => ({ convertedAt: c.convertedAt === null ? null : c.convertedAt + DAY }),
  (c) => ({ recoveredAt: c.recoveredAt === null ? T0 + 6 * DAY : null }),
  (c) => ({ recoveredAt: c.recoveredAt === null ? null : c.recoveredAt + DAY }),
  (c) => ({ recoveredRevenue: c.recoveredRevenue + 11 }),
  (c) => ({ revenueCurrency: c.revenueCurrency === null ? 'GBP' : null }),
  (c) => ({ recoveredStep: c.recoveredStep === null ? 'email-1h' : null }),
  (c) => ({ recoveredChannel: c.recoveredChannel === null ? 'sms' : null }),
  (c, r) => ({ itemCount: c.itemCount + 1, updatedAt: c.updatedAt + Math.floor(r() * 1000) }),
]

const sorted = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort()

describe('cart_days rollups', () => {
  it('follow inserts, newer and older reports, replays and erasures exactly', async () => {
    const r = random(7)
    const stores = ['st_roll_a', 'st_roll_b']
    const ids = Array.from({ length: 60 }, (_, i) => `cart_rollup_${String(i).padStart(8, '0')}`)
    const store = (i: number) => stores[i % 2] as string
    const first = ids.map((id, i) => randomReport(r, store(i), id, 1))
    await writeCartReports(env.DB, first)
    await writeCartReports(env.DB, first) // a replay changes nothing
    // Newer revisions for most carts, a late older one for some, in mixed batches.
    const newer = ids
      .filter(() => r() < 0.7)
      .map((id) => randomReport(r, store(ids.indexOf(id)), id, 3))
    const older = ids
      .filter(() => r() < 0.3)
      .map((id) => randomReport(r, store(ids.indexOf(id)), id, 2))
    await writeCartReports(env.DB, [...newer.slice(0, 20), ...older])
    await writeCartReports(env.DB, newer.slice(20))
    // Changes to one column only (the shopper edits a restored cart; a late click).
    const touched = newer.filter(() => r() < 0.5)
    await writeCartReports(
      env.DB,
      touched.map((c) => ({ ...c, revision: 4, total: c.total + 100 })),
    )
    await writeCartReports(
      env.DB,
      touched.map((c) => ({ ...c, revision: 5, total: c.total + 100, clickedAt: T0 + DAY })),
    )
    for (const c of touched)
      Object.assign(c, { revision: 5, total: c.total + 100, clickedAt: T0 + DAY })
    // Then each column on its own, so that every condition of the update trigger is crossed.
    let revision = 6
    for (const change of ONE_COLUMN) {
      const picked = newer.filter(() => r() < 0.4)
      const changed = picked.map((c) => ({ ...c, ...change(c, r), revision }))
      await writeCartReports(env.DB, changed)
      for (const [i, c] of changed.entries()) Object.assign(picked[i] as CartReport, c)
      revision++
    }
    for (const id of ids.filter(() => r() < 0.2)) {
      await eraseCartRows(env.DB, store(ids.indexOf(id)), id, 3)
    }
    // The two columns no report changes: a creation time moved, and a cart moved to the other
    // store (every kind it counts in moves with it).
    const moved = newer.filter(() => r() < 0.4).map((c) => c.cartId)
    const among = `cart_id IN (${moved.map(() => '?').join(', ')})`
    await env.DB.prepare(`UPDATE carts SET created_at = created_at + ${DAY} WHERE ${among}`)
      .bind(...moved)
      .run()
    await env.DB.prepare(
      `UPDATE carts SET store_id = CASE store_id WHEN ? THEN ? ELSE ? END WHERE ${among}`,
    )
      .bind(stores[0], stores[1], stores[0], ...moved)
      .run()
    const { fresh, kept } = await recomputed(stores)
    expect(kept.length).toBeGreaterThan(20)
    expect(kept).toEqual(fresh)

    // The dashboard's answers from the rollups equal those read from the carts.
    for (const [set, from, to] of [
      [stores, T0, T0 + 12 * DAY],
      [[stores[0] as string], T0 + 2 * DAY, T0 + 5 * DAY],
      [[], T0, T0 + DAY],
    ] as const) {
      const ids = [...set]
      const [byDay, byCart] = [
        await statsRowsByDay(env.DB, { storeIds: ids, from, to }),
        await statsRowsByCart(env.DB, { storeIds: ids, from, to }),
      ]
      const nonZero = (rows: Record<string, unknown>[]) => rows.filter((x) => Number(x.n) !== 0)
      expect(sorted(nonZero(byDay[0]?.results ?? []))).toEqual(
        sorted(nonZero(byCart[0]?.results ?? [])),
      )
      expect(byDay[1]?.results).toEqual(byCart[1]?.results)
      expect(sorted(byDay[2]?.results ?? [])).toEqual(sorted(byCart[2]?.results ?? []))
      const [o1, o2] = [
        await overviewRowsByDay(env.DB, { storeIds: ids, from, to }),
        await overviewRowsByCart(env.DB, { storeIds: ids, from, to }),
      ]
      const busy = (rows: Record<string, unknown>[]) =>
        rows.filter((x) => Number(x.abandoned) + Number(x.recovered) > 0)
      expect(sorted(busy(o1[0]?.results ?? []))).toEqual(sorted(busy(o2[0]?.results ?? [])))
      expect(sorted(o1[1]?.results ?? [])).toEqual(sorted(o2[1]?.results ?? []))
      const funnel = (x: Record<string, unknown> | undefined) =>
        Object.fromEntries(Object.entries(x ?? {}).map(([k, v]) => [k, Number(v ?? 0)]))
      expect(funnel(o1[2]?.results[0])).toEqual(funnel(o2[2]?.results[0]))
    }
  })

  it("write no rollup row for an active cart's item change", async () => {
    const r = random(11)
    const base = { ...randomReport(r, 'st_roll_c', 'cart_rollup_active_0001', 1) }
    const active: CartReport = {
      ...base,
      status: 'active',
      abandonedAt: null,
      restoredAt: null,
      recoveredAt: null,
      convertedAt: null,
      clickedAt: null,
      recoveredRevenue: 0,
      revenueCurrency: null,
      recoveredStep: null,
      recoveredChannel: null,
      channels: 0,
    }
    await writeCartReports(env.DB, [active])
    const rollups = () =>
      env.DB.prepare("SELECT * FROM cart_days WHERE store_id = 'st_roll_c'").all()
    const before = (await rollups()).results
    const written = async (report: CartReport) => {
      const changes = await env.DB.prepare('SELECT total_changes() AS n').first<{ n: number }>()
      await writeCartReports(env.DB, [report])
      const after = await env.DB.prepare('SELECT total_changes() AS n').first<{ n: number }>()
      return Number(after?.n) - Number(changes?.n)
    }
    // total_changes() counts rows that statements and their triggers changed (indexes aside); a
    // replay, which changes nothing, is the baseline (the local D1 adds its own).
    const replay = await written(active)
    // The cart row alone, where the trigger of migration 0011 added two rollup upserts.
    const update = { ...active, revision: 2, total: active.total + 500, itemCount: 2 }
    expect(await written(update)).toBe(replay + 1)
    expect((await rollups()).results).toEqual(before)
    // A change the rollups read still moves them: the cart is abandoned.
    const abandoned = { ...update, revision: 3, status: 'abandoned' as const, abandonedAt: T0 }
    expect(await written(abandoned)).toBeGreaterThan(replay + 1)
    expect((await rollups()).results).not.toEqual(before)
  })
})
