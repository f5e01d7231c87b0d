// What D1 and the stats show of a store's carts, once the Queue consumer has written them.
import { env } from 'cloudflare:workers'
import type { Store } from '../src/db/stores'
import type { CartReport } from '../src/domain/cart/report'
import { cartStub } from '../src/objects/stubs'
import { api, waitForRow } from './helpers'

/** Waits until D1 shows each cart at its object's current revision. */
export async function projected(store: Store, ...ids: string[]) {
  for (const id of ids) {
    const s = (await cartStub(env.CART, { storeId: store.id, cartId: id }).snapshot())!.state
    await waitForRow(
      'SELECT 1 FROM carts WHERE store_id = ? AND cart_id = ? AND revision = ?',
      store.id,
      id,
      s.revision,
    )
  }
}

export async function statsOf(store: Store) {
  const res = await api(`/stats?store=${store.id}`)
  return res.json<{ carts: { tracked: number; converted: number }; recovered: { count: number } }>()
}

export async function d1Carts(store: Store) {
  const rows = await env.DB.prepare('SELECT cart_id FROM carts WHERE store_id = ?')
    .bind(store.id)
    .all<{ cart_id: string }>()
  return rows.results.map((r) => r.cart_id).sort()
}

/** A cart's report as the Queue carries it: an active anonymous cart, with `o` over it. */
export function cartReportRow(o: Partial<CartReport> = {}): CartReport {
  const at = o.createdAt ?? Date.now()
  return {
    kind: 'cart',
    storeId: 'st_report',
    cartId: 'cart_report_000000000',
    revision: 1,
    status: 'active',
    currency: 'USD',
    total: 1000,
    itemCount: 1,
    email: null,
    phone: null,
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    abandonedAt: null,
    abandonDueAt: null,
    restoredAt: null,
    recoveredAt: null,
    convertedAt: null,
    lostAt: null,
    recoveredRevenue: 0,
    revenueCurrency: null,
    recoveredStep: null,
    recoveredChannel: null,
    channels: 0,
    clickedAt: null,
    stepId: null,
    stepsDone: 0,
    stepsTotal: 0,
    experimentArm: null,
    experimentPeriod: null,
    order: null,
    ...o,
  }
}
