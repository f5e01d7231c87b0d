import { eraseCartRows } from '../db/projection'
import { deleteOldTestSends, staleCarts } from '../db/retention'
import { listStores } from '../db/stores'
import { log } from '../lib/log'
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
    const { retentionDays, attributionWindowSeconds, restoreTtlSeconds } = store.settings
    if (retentionDays === null || erased >= budget) continue
    // Never while a cart can still be restored or credited: its links and its "lost" timer
    // outlive a short retention (a cart's last change can be its last reminder).
    const keepMs = Math.max(
      retentionDays * DAY,
      (attributionWindowSeconds + restoreTtlSeconds) * 1000,
    )
    const cutoff = now - keepMs
    const stale = await staleCarts(env.DB, store.id, cutoff, budget - erased)
    // Test sends from the sequence editor belong to no cart: they age out on their own.
    await deleteOldTestSends(env.DB, store.id, cutoff)
    for (const { cartId, revision } of stale) {
      try {
        const outcome = await deleteCart(env, store, cartId, cutoff)
        if (outcome === 'missing') {
          // A row whose object holds nothing (it can only be stale): drop it, or it would head
          // every sweep's list and use up the budget forever.
          await eraseCartRows(env.DB, store.id, cartId, revision)
        }
        if (outcome !== 'kept') erased++
      } catch (err) {
        // One cart that fails must not stop the others (nor every later store, every hour).
        log('error', 'retention: erase failed', {
          storeId: store.id,
          cartId,
          error: String(err),
        })
      }
    }
  }
  if (erased > 0) log('info', 'retention: carts erased', { erased })
  return erased
}
