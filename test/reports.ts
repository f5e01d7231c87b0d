// What D1 and the stats show of a store's carts, once the Queue consumer has written them.
import { env } from 'cloudflare:workers'
import type { Store } from '../src/db/stores'
import { newCart } from '../src/domain/cart/new-cart'
import { type CartReport, cartReport } from '../src/domain/cart/report'
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

/**
 * A cart's report as the Queue carries it: a new anonymous cart's (`cartReport(newCart(…))`),
 * with one item of 1000 at revision 1, and `o` over it.
 */
export function cartReportRow(o: Partial<CartReport> = {}): CartReport {
  const cart = newCart('st_report', 'cart_report_000000000', 'USD', o.createdAt ?? Date.now())
  return { ...cartReport(cart), revision: 1, total: 1000, itemCount: 1, ...o }
}
