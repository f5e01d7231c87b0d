// `GET /api/v1/stats`' `incremental` (issue 15): a store's holdout period, arm by arm, from the
// reporting rows the carts' reports write.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { api, createStore, errorOf } from '#test/helpers'
import { cartReportRow } from '#test/reports'
import { writeCartReports } from '../../db/projection'
import type { Store } from '../../db/stores'
import type { CartReport } from '../../domain/cart/report'
import { incrementalOf } from '../../domain/experiment/incremental'

const HOUR = 3_600_000

/** An abandoned cart's report in `arm`, recovered for `revenue` when given. */
function report(store: Store, i: number, arm: string, period: string, revenue?: number) {
  const at = Date.now() - 2 * HOUR
  const recovered = revenue !== undefined
  return cartReportRow({
    storeId: store.id,
    cartId: `cart_incremental_${store.id.slice(-6)}_${i}`,
    revision: 5,
    status: recovered ? 'recovered' : 'abandoned',
    total: 5000,
    createdAt: at - HOUR,
    updatedAt: at,
    lastActivityAt: at - HOUR,
    abandonedAt: at,
    abandonDueAt: at,
    recoveredAt: recovered ? at + 1000 : null,
    recoveredRevenue: revenue ?? 0,
    revenueCurrency: recovered ? 'USD' : null,
    experimentArm: arm as 'holdout' | 'messaged',
    experimentPeriod: period,
    // Every other cart had an email, every third a phone: the figures per channel.
    email: i % 2 === 0 ? `shopper${i}@example.com` : null,
    phone: i % 3 === 0 ? `+1415555${String(i).padStart(4, '0')}` : null,
  })
}

/** An arm's counts over `reports` of one period that `pick` keeps, revenue in USD only. */
function countsOf(
  reports: CartReport[],
  period: string,
  arm: string,
  pick: (r: CartReport) => boolean,
) {
  const rs = reports.filter(
    (r) => r.experimentPeriod === period && r.experimentArm === arm && pick(r),
  )
  const usd = rs.filter((r) => r.recoveredAt !== null && r.revenueCurrency === 'USD')
  return {
    carts: rs.length,
    recovered: rs.filter((r) => r.recoveredAt !== null).length,
    revenue: usd.reduce((n, r) => n + r.recoveredRevenue, 0),
    revenueSquares: usd.reduce((n, r) => n + r.recoveredRevenue ** 2, 0),
  }
}

const range = () =>
  `from=${new Date(Date.now() - 24 * HOUR).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`

describe('stats: incremental', () => {
  it("gives the running period's arms, lift and revenue, as incrementalOf computes them", async () => {
    const store = await createStore({ settings: { holdout: { percent: 20 } } })
    const period = store.settings.holdout.period!
    const reports: CartReport[] = []
    // Held out: 40 carts, 4 recovered for $50. Messaged: 160 carts, 32 recovered for $50, and
    // one in another currency's revenue and one of another period, both left out of the sums.
    for (let i = 0; i < 40; i++)
      reports.push(report(store, i, 'holdout', period, i < 4 ? 5000 : undefined))
    for (let i = 40; i < 200; i++)
      reports.push(report(store, i, 'messaged', period, i < 72 ? 5000 : undefined))
    reports.push({ ...report(store, 200, 'messaged', period, 9000), revenueCurrency: 'EUR' })
    reports.push(report(store, 201, 'messaged', 'per_older', 5000))
    await writeCartReports(env.DB, reports)
    const res = await api(`/stats?store=${store.id}&${range()}`)
    expect(res.status).toBe(200)
    const { incremental } = (await res.json()) as { incremental: Record<string, unknown> }
    const messaged = {
      carts: 161,
      recovered: 33,
      revenue: 32 * 5000,
      revenueSquares: 32 * 5000 ** 2,
    }
    const holdout = { carts: 40, recovered: 4, revenue: 4 * 5000, revenueSquares: 4 * 5000 ** 2 }
    const pair = (pick: (r: CartReport) => boolean) => ({
      holdout: countsOf(reports, period, 'holdout', pick),
      messaged: countsOf(reports, period, 'messaged', pick),
    })
    expect(pair(() => true)).toEqual({ holdout, messaged })
    const byChannel = { email: pair((r) => r.email !== null), sms: pair((r) => r.phone !== null) }
    expect(byChannel.email.holdout.carts).toBe(20)
    expect(byChannel.sms.messaged.carts).toBe(53)
    expect(incremental).toEqual(
      incrementalOf({ period, holdout, messaged, byChannel, currency: 'USD' }),
    )
    expect(incremental).toMatchObject({
      period,
      holdout: { carts: 40, recovered: 4, revenue: 20_000 },
      messaged: { carts: 161, recovered: 33, revenue: 160_000 },
      // Too few recoveries in the holdout for a revenue interval yet.
      revenue: { low: null, high: null, currency: 'USD' },
    })
    // Asked for the older period: its one cart, nothing to compare it with.
    const older = await api(`/stats?store=${store.id}&period=per_older&${range()}`)
    const o = ((await older.json()) as { incremental: Record<string, unknown> }).incremental
    expect(o).toMatchObject({
      period: 'per_older',
      holdout: { carts: 0 },
      messaged: { carts: 1 },
      lift: { estimate: null, low: null, high: null },
    })
  })

  it('gives revenue bounds once each arm has ten recoveries', async () => {
    const store = await createStore({ settings: { holdout: { percent: 20 } } })
    const period = store.settings.holdout.period!
    const reports: CartReport[] = []
    // Held out: 60 carts, 12 recovered; messaged: 240 carts, 72 recovered; orders of $30–$80.
    const price = (i: number) => 3000 + (i % 6) * 1000
    for (let i = 0; i < 60; i++)
      reports.push(report(store, i, 'holdout', period, i < 12 ? price(i) : undefined))
    for (let i = 60; i < 300; i++)
      reports.push(report(store, i, 'messaged', period, i < 132 ? price(i) : undefined))
    await writeCartReports(env.DB, reports)
    const res = await api(`/stats?store=${store.id}&${range()}`)
    const { incremental } = (await res.json()) as {
      incremental: { revenue: { estimate: number; low: number | null; high: number | null } }
    }
    const { estimate, low, high } = incremental.revenue
    expect(low).not.toBeNull()
    expect(high).not.toBeNull()
    expect(low!).toBeLessThan(estimate)
    expect(high!).toBeGreaterThan(estimate)
  })

  it("exports each cart's arm and period with its outcome in the carts CSV", async () => {
    const store = await createStore({ settings: { holdout: { percent: 20 } } })
    const period = store.settings.holdout.period!
    await writeCartReports(env.DB, [
      report(store, 0, 'holdout', period, 4200),
      report(store, 1, 'messaged', period),
    ])
    const csv = await (await api(`/carts/export.csv?store=${store.id}`)).text()
    const [head, ...rows] = csv.trimEnd().split('\r\n')
    expect(head!.endsWith('"channels","experiment_arm","experiment_period"')).toBe(true)
    const held = rows.find((r) => r.includes(`cart_incremental_${store.id.slice(-6)}_0`))!
    expect(held).toContain('"recovered"')
    expect(held).toContain('"42.00"')
    expect(held.endsWith(`"holdout","${period}"`)).toBe(true)
    const messaged = rows.find((r) => r.includes(`cart_incremental_${store.id.slice(-6)}_1`))!
    expect(messaged.endsWith(`"messaged","${period}"`)).toBe(true)
  })

  it('is null without a holdout, or across every store', async () => {
    const store = await createStore()
    const one = await api(`/stats?store=${store.id}`)
    expect(((await one.json()) as { incremental: unknown }).incremental).toBeNull()
    const all = await api('/stats')
    expect(((await all.json()) as { incremental: unknown }).incremental).toBeNull()
  })

  it('refuses a malformed period, or a period without a store', async () => {
    const store = await createStore()
    for (const path of [`/stats?store=${store.id}&period=bogus`, '/stats?period=per_abc']) {
      const res = await api(path)
      expect(res.status).toBe(400)
      expect((await errorOf(res)).code).toBe('BAD_REQUEST')
    }
  })
})
