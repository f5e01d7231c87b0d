// The overview's "Incremental revenue" card (issue 15): a store's running holdout, in words.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import * as session from '#test/dashboard-session'
import { createStore } from '#test/helpers'
import { cartReportRow } from '#test/reports'
import { writeCartReports } from '../../db/projection'

const HOUR = 3_600_000

describe('overview: incremental revenue', () => {
  it("shows the chosen store's holdout: the headline and both groups", async () => {
    const store = await createStore({ settings: { holdout: { percent: 20 } } })
    const period = store.settings.holdout.period!
    const at = Date.now() - 2 * HOUR
    const row = (i: number, arm: 'holdout' | 'messaged', recovered: boolean) =>
      cartReportRow({
        storeId: store.id,
        cartId: `cart_overview_holdout_${i}`,
        status: recovered ? 'recovered' : 'abandoned',
        createdAt: at - HOUR,
        abandonedAt: at,
        abandonDueAt: at,
        recoveredAt: recovered ? at + 1000 : null,
        recoveredRevenue: recovered ? 10_000 : 0,
        revenueCurrency: recovered ? 'USD' : null,
        experimentArm: arm,
        experimentPeriod: period,
      })
    const reports = [
      ...Array.from({ length: 100 }, (_, i) => row(i, 'holdout', i < 10)),
      ...Array.from({ length: 400 }, (_, i) => row(100 + i, 'messaged', i < 48)),
    ]
    await writeCartReports(env.DB, reports)
    const cookies = await session.signIn()
    const html = await (await session.get(`/?store=${store.id}`, cookies)).text()
    expect(html).toContain('Incremental revenue')
    expect(html).toMatch(/Not enough carts yet to tell: about [\d,]+ more needed\./)
    expect(html).toContain('Held out (20%, no messages)')
    expect(html).toMatch(/<td>Messaged<\/td><td class="num">400<\/td><td class="num">48<\/td>/)
    // Every store together has no single holdout: the card asks for a store.
    const all = await (await session.get('/', cookies)).text()
    expect(all).toContain('Choose a store to see what its messages caused')
  })

  it('says none runs once the holdout is stopped', async () => {
    const store = await createStore({ settings: { holdout: { percent: 10 } } })
    await session.signIn()
    const { api } = await import('#test/helpers')
    await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: { settings: { holdout: { percent: 0 } } },
    })
    const html = await (await session.get(`/?store=${store.id}`, await session.signIn())).text()
    expect(html).toContain('No holdout is running for')
  })

  it('says how to start one when the store runs no holdout', async () => {
    const store = await createStore()
    const html = await (await session.get(`/?store=${store.id}`, await session.signIn())).text()
    expect(html).toContain('No holdout is running for')
    expect(html).toContain('settings.holdout.percent')
  })
})
