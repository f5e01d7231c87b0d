import { iso } from '../lib/time'

/**
 * The id a test event is filed under in `cart_tombstones`: it has a colon, so no storefront cart
 * can ever share it (as `TEST_SEND_CART`), and a tombstone row is the one per-store, per-id time
 * D1 keeps without a migration. Its `erased_at` is the time of the latest test event; it guards
 * no real cart (see docs/design/privacy-requests.md, "Status").
 */
export const TEST_EVENT_CART = 'test:event'

/** The newest carts by update read for the newest activity: activity always bumps `updated_at`. */
const RECENT = 100

/** What the plugin's status screen shows of a store's traffic; ISO times, null when none yet. */
export async function connectionStatus(db: D1Database, storeId: string) {
  const [activity, test, webhook] = await db.batch<{ at: number | null }>([
    db
      .prepare(
        `SELECT MAX(last_activity_at) AS at FROM (SELECT last_activity_at FROM carts
           WHERE store_id = ? ORDER BY updated_at DESC LIMIT ${RECENT})`,
      )
      .bind(storeId),
    db
      .prepare('SELECT erased_at AS at FROM cart_tombstones WHERE store_id = ? AND cart_id = ?')
      .bind(storeId, TEST_EVENT_CART),
    // No delivery is recorded as such: an order row a signed webhook wrote is the trace it leaves.
    db
      .prepare(`SELECT MAX(updated_at) AS at FROM orders WHERE store_id = ? AND source = 'webhook'`)
      .bind(storeId),
  ])
  const at = (r: D1Result<{ at: number | null }> | undefined) => r?.results[0]?.at ?? null
  const event = Math.max(at(activity) ?? 0, at(test) ?? 0)
  const hook = at(webhook)
  return { lastEventAt: event > 0 ? iso(event) : null, lastWebhookAt: hook ? iso(hook) : null }
}

/** Records a test event now; the status shows it as the store's last event. */
export async function recordTestEvent(db: D1Database, storeId: string, at: number): Promise<void> {
  await db
    .prepare(
      `INSERT INTO cart_tombstones (store_id, cart_id, revision, erased_at) VALUES (?1, ?2, 0, ?3)
       ON CONFLICT (store_id, cart_id) DO UPDATE SET erased_at = excluded.erased_at`,
    )
    .bind(storeId, TEST_EVENT_CART, at)
    .run()
}
