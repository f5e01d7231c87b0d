import { iso } from '../lib/time'

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
      .prepare('SELECT last_test_event_at AS at FROM store_connections WHERE store_id = ?')
      .bind(storeId),
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

/**
 * Records a test event now on the store's plugin connection; the status shows it as the store's
 * last event. False (and nothing written) when no plugin is connected.
 */
export async function recordTestEvent(
  db: D1Database,
  storeId: string,
  at: number,
): Promise<boolean> {
  const res = await db
    .prepare('UPDATE store_connections SET last_test_event_at = ?2 WHERE store_id = ?1')
    .bind(storeId, at)
    .run()
  return res.meta.changes === 1
}
