import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { overview } from './overview'

const DAY = 86_400_000
const T0 = Date.UTC(2026, 10, 1)

/** A reporting row as the queue consumer writes it (only what the overview reads). */
async function cart(
  store: string,
  id: string,
  at: Partial<Record<'abandoned_at' | 'restored_at' | 'recovered_at' | 'clicked_at', number>>,
  status: string,
  total: number,
  channels = 0,
) {
  await env.DB.prepare(
    `INSERT INTO carts (store_id, cart_id, revision, status, currency, total, item_count,
       created_at, updated_at, last_activity_at, abandoned_at, restored_at, recovered_at,
       channels, clicked_at)
     VALUES (?, ?, 1, ?, 'USD', ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      store,
      id,
      status,
      total,
      T0,
      T0,
      T0,
      at.abandoned_at ?? null,
      at.restored_at ?? null,
      at.recovered_at ?? null,
      channels,
      at.clicked_at ?? null,
    )
    .run()
}

describe('overview', () => {
  it('counts per day, the value still at risk and the funnel, for one store only', async () => {
    const s = `st_ov_${crypto.randomUUID().slice(0, 8)}`
    // a: emailed; b: emailed and texted, clicked; c: never messaged.
    await cart(s, 'a', { abandoned_at: T0 + 1000 }, 'abandoned', 2400, 1)
    await cart(
      s,
      'b',
      { abandoned_at: T0 + 2000, restored_at: T0 + DAY, clicked_at: T0 + DAY },
      'restored',
      1600,
      3,
    )
    await cart(
      s,
      'c',
      { abandoned_at: T0 + DAY + 5, restored_at: T0 + DAY, recovered_at: T0 + 2 * DAY },
      'recovered',
      5000,
    )
    await cart('st_other', `x_${s}`, { abandoned_at: T0 + 10 }, 'abandoned', 9999)
    const o = await overview(env.DB, { storeIds: [s], from: T0, to: T0 + 3 * DAY })
    expect(o.days).toEqual([
      { day: '2026-11-01', abandoned: 2, recovered: 0 },
      { day: '2026-11-02', abandoned: 1, recovered: 0 },
      { day: '2026-11-03', abandoned: 0, recovered: 1 },
    ])
    expect(o.valueAtRisk).toEqual({ USD: 4000 })
    expect(o.funnel).toEqual({ abandoned: 3, messaged: 2, clicked: 1, restored: 2, recovered: 1 })
  })
})
