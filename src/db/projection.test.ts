import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { cartId } from '#test/carts'
import { cartReportRow } from '#test/reports'
import type { CartReport } from '../domain/cart/report'
import { listCarts } from './carts'
import { latestCartForContact } from './orders'
import { eraseCartRows, writeCartReports } from './projection'

const T = 1_790_000_000_000

const report = (o: Partial<CartReport> = {}) =>
  cartReportRow({
    storeId: 'st_projection',
    cartId: 'cart_projection_00000',
    email: 'p@example.com',
    createdAt: T,
    updatedAt: T,
    lastActivityAt: T,
    ...o,
  })

const row = (storeId: string, id: string) =>
  env.DB.prepare('SELECT revision, status, total FROM carts WHERE store_id = ? AND cart_id = ?')
    .bind(storeId, id)
    .first<{ revision: number; status: string; total: number }>()

describe('writeCartReports', () => {
  it('keeps when the cart noticed its abandonment and the deadline it was for', async () => {
    const id = cartId()
    await writeCartReports(env.DB, [
      report({
        cartId: id,
        revision: 2,
        status: 'abandoned',
        abandonedAt: T + 61_250,
        abandonDueAt: T + 60_000,
      }),
    ])
    const { carts } = await listCarts(env.DB, {
      storeIds: ['st_projection'],
      search: { id },
      limit: 1,
    })
    expect(carts[0]).toMatchObject({
      abandonedAt: new Date(T + 61_250).toISOString(),
      abandonDueAt: new Date(T + 60_000).toISOString(),
    })
  })

  it('never lets an older report overwrite a newer one', async () => {
    const id = cartId()
    await writeCartReports(env.DB, [
      report({ cartId: id, revision: 5, status: 'abandoned', total: 500 }),
    ])
    await writeCartReports(env.DB, [
      report({ cartId: id, revision: 4, status: 'active', total: 400 }),
    ])
    expect(await row('st_projection', id)).toEqual({ revision: 5, status: 'abandoned', total: 500 })
  })

  it('keeps the newest report of a batch, whatever the order in it', async () => {
    const id = cartId()
    const written = await writeCartReports(env.DB, [
      report({ cartId: id, revision: 3, total: 300 }),
      report({ cartId: id, revision: 7, total: 700 }),
      report({ cartId: id, revision: 6, total: 600 }),
    ])
    expect(written).toBe(1)
    expect(await row('st_projection', id)).toMatchObject({ revision: 7, total: 700 })
  })

  it('changes nothing when a batch is delivered again', async () => {
    const id = cartId()
    const batch = [
      report({
        cartId: id,
        revision: 2,
        status: 'recovered',
        recoveredRevenue: 900,
        order: {
          id: 'o-9',
          status: 'processing',
          paid: true,
          total: 900,
          refunded: 0,
          currency: 'USD',
          source: 'webhook',
          placedAt: T,
        },
      }),
    ]
    await writeCartReports(env.DB, batch)
    await writeCartReports(env.DB, batch)
    const counts = await env.DB.prepare(
      `SELECT (SELECT COUNT(*) FROM carts WHERE cart_id = ?1) AS carts,
              (SELECT COUNT(*) FROM orders WHERE cart_id = ?1) AS orders,
              (SELECT COUNT(*) FROM contacts WHERE cart_id = ?1) AS contacts`,
    )
      .bind(id)
      .first()
    expect(counts).toEqual({ carts: 1, orders: 1, contacts: 1 })
  })

  it('keeps an order with the cart that first reported it', async () => {
    const a = cartId()
    const b = cartId()
    const orderId = `o-${cartId()}`
    const order = (total: number) => ({
      id: orderId,
      status: 'processing',
      paid: true,
      total,
      refunded: 0,
      currency: 'USD',
      source: 'webhook' as const,
      placedAt: T,
    })
    await writeCartReports(env.DB, [report({ cartId: a, revision: 9, order: order(900) })])
    await writeCartReports(env.DB, [report({ cartId: b, revision: 50, order: order(1) })])
    const o = await env.DB.prepare('SELECT cart_id, total FROM orders WHERE order_id = ?')
      .bind(orderId)
      .first()
    expect(o).toEqual({ cart_id: a, total: 900 })
  })

  it('points a contact at the cart with the latest activity', async () => {
    const older = cartId()
    const newer = cartId()
    const email = `${cartId()}@example.com`
    await writeCartReports(env.DB, [report({ cartId: newer, email, lastActivityAt: T + 5000 })])
    await writeCartReports(env.DB, [report({ cartId: older, email, lastActivityAt: T })])
    const c = await env.DB.prepare(
      "SELECT cart_id FROM contacts WHERE kind = 'email' AND value = ?",
    )
      .bind(email)
      .first()
    expect(c).toEqual({ cart_id: newer })
  })

  it('writes a contact row when it appears and when another cart takes it, not per report', async () => {
    const a = cartId()
    const b = cartId()
    const email = `${cartId()}@example.com`
    const contactRow = () =>
      env.DB.prepare(
        "SELECT cart_id, last_activity_at FROM contacts WHERE kind = 'email' AND value = ?",
      )
        .bind(email)
        .first()
    await writeCartReports(env.DB, [report({ cartId: a, email, lastActivityAt: T })])
    await writeCartReports(env.DB, [
      report({ cartId: a, email, revision: 2, lastActivityAt: T + 60_000 }),
    ])
    // The same cart's later report leaves the row as written: its activity is read from `carts`.
    expect(await contactRow()).toEqual({ cart_id: a, last_activity_at: T })
    expect(await latestCartForContact(env.DB, 'st_projection', { email }, T + 30_000)).toBe(a)
    // A newer cart takes the contact; an older report of it cannot take it back...
    await writeCartReports(env.DB, [report({ cartId: b, email, lastActivityAt: T + 90_000 })])
    await writeCartReports(env.DB, [
      report({ cartId: a, email, revision: 1, lastActivityAt: T + 80_000 }),
    ])
    expect(await contactRow()).toEqual({ cart_id: b, last_activity_at: T + 90_000 })
    // ...but activity on it after the newer cart's does.
    await writeCartReports(env.DB, [
      report({ cartId: a, email, revision: 3, lastActivityAt: T + 120_000 }),
    ])
    expect(await contactRow()).toEqual({ cart_id: a, last_activity_at: T + 120_000 })
    expect(await latestCartForContact(env.DB, 'st_projection', { email }, T + 130_000)).toBeNull()
  })

  it("compares a takeover with the named cart's activity only while that cart holds the address", async () => {
    const a = cartId()
    const c = cartId()
    const email = `${cartId()}@example.com`
    const other = `${cartId()}@example.com`
    await writeCartReports(env.DB, [report({ cartId: a, email, lastActivityAt: T })])
    // Cart A's shopper corrects the email; A keeps being active under the new one.
    await writeCartReports(env.DB, [
      report({ cartId: a, email: other, revision: 2, lastActivityAt: T + 100_000 }),
    ])
    // Another cart with the first email, active after A took it: it takes it, and orders
    // placed with that email now match it, not A.
    await writeCartReports(env.DB, [report({ cartId: c, email, lastActivityAt: T + 50_000 })])
    expect(await latestCartForContact(env.DB, 'st_projection', { email }, T)).toBe(c)
  })

  it('drops reports at or below an erased revision and accepts newer ones', async () => {
    const id = cartId()
    await writeCartReports(env.DB, [report({ cartId: id, revision: 3 })])
    await eraseCartRows(env.DB, 'st_projection', id, 3)
    await writeCartReports(env.DB, [
      report({ cartId: id, revision: 2 }),
      report({ cartId: id, revision: 3 }),
    ])
    expect(await row('st_projection', id)).toBeNull()
    await writeCartReports(env.DB, [report({ cartId: id, revision: 4, total: 4444 })])
    expect(await row('st_projection', id)).toMatchObject({ revision: 4, total: 4444 })
  })
})

describe('the holdout arm in D1 (issue 15)', () => {
  it("writes the cart's arm and period with its report, and a newer report's over an older one", async () => {
    const cartId = 'cart_projection_arm_0001'
    const row = () =>
      env.DB.prepare('SELECT experiment_arm, experiment_period FROM carts WHERE cart_id = ?')
        .bind(cartId)
        .first()
    await writeCartReports(env.DB, [report({ cartId, revision: 1 })])
    expect(await row()).toEqual({ experiment_arm: null, experiment_period: null })
    const held = { experimentArm: 'holdout' as const, experimentPeriod: 'per_1' }
    await writeCartReports(env.DB, [report({ cartId, revision: 2, status: 'abandoned', ...held })])
    expect(await row()).toEqual({ experiment_arm: 'holdout', experiment_period: 'per_1' })
    // A late, older report changes nothing.
    await writeCartReports(env.DB, [report({ cartId, revision: 1 })])
    expect(await row()).toEqual({ experiment_arm: 'holdout', experiment_period: 'per_1' })
  })

  it('writes a report queued by an older build, without the newer fields, as nulls', async () => {
    const cartId = 'cart_projection_arm_0002'
    const {
      experimentArm: _a,
      experimentPeriod: _p,
      abandonDueAt: _d,
      ...older
    } = report({
      cartId,
      revision: 1,
    })
    expect(await writeCartReports(env.DB, [older as CartReport])).toBe(1)
    const row = await env.DB.prepare(
      'SELECT revision, experiment_arm, experiment_period, abandon_due_at FROM carts WHERE cart_id = ?',
    )
      .bind(cartId)
      .first()
    expect(row).toEqual({
      revision: 1,
      experiment_arm: null,
      experiment_period: null,
      abandon_due_at: null,
    })
  })
})
