import { eraseCartRows } from '../db/projection'
import { listStores } from '../db/stores'
import { log } from '../lib/log'
import { cartStub } from '../objects/cart-object'
import { deleteCart } from '../routes/carts/ops'

const DAY = 86_400_000

/**
 * Erases carts past their store's retention (days since their last change), oldest first, at
 * most `budget` per run: each erase is a few object calls and one D1 batch, so an hourly cron
 * stays far inside an invocation's limits while clearing thousands a day. The cart's own state
 * decides (the D1 row only nominates it): a cart that changed since is kept.
 */
export async function sweepRetention(env: Env, now: number, budget = 200) {
  let erased = 0
  for (const store of await listStores(env.DB)) {
    const days = store.settings.retentionDays
    if (days === null || erased >= budget) continue
    const cutoff = now - days * DAY
    const { results } = await env.DB.prepare(
      `SELECT cart_id, revision FROM carts WHERE store_id = ? AND updated_at < ?
       ORDER BY updated_at LIMIT ?`,
    )
      .bind(store.id, cutoff, budget - erased)
      .all<{ cart_id: string; revision: number }>()
    for (const { cart_id, revision } of results) {
      if (await deleteCart(env, store, cart_id, cutoff)) erased++
      else if (!(await cartStub(env.CART, { storeId: store.id, cartId: cart_id }).snapshot())) {
        // A row whose object holds nothing (it can only be stale): drop it, or it would head
        // every sweep's list and use up the budget forever.
        await eraseCartRows(env.DB, store.id, cart_id, revision)
        erased++
      }
    }
  }
  if (erased > 0) log('info', 'retention: carts erased', { erased })
  return erased
}
