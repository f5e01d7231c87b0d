import { TEST_SEND_CART } from './messages'

/** A cart the retention sweep may erase: its id and the revision its row was written at. */
export type StaleCart = { cartId: string; revision: number }

/** A store's carts whose row last changed before `cutoff`, oldest first, at most `limit`. */
export async function staleCarts(
  db: D1Database,
  storeId: string,
  cutoff: number,
  limit: number,
): Promise<StaleCart[]> {
  const { results } = await db
    .prepare(
      `SELECT cart_id, revision FROM carts WHERE store_id = ? AND updated_at < ?
       ORDER BY updated_at LIMIT ?`,
    )
    .bind(storeId, cutoff, limit)
    .all<{ cart_id: string; revision: number }>()
  return results.map((r) => ({ cartId: r.cart_id, revision: r.revision }))
}

/** Deletes a store's test sends (the sequence editor's: no cart owns them) before `cutoff`. */
export async function deleteOldTestSends(
  db: D1Database,
  storeId: string,
  cutoff: number,
): Promise<void> {
  await db
    .prepare('DELETE FROM messages WHERE store_id = ? AND cart_id = ? AND created_at < ?')
    .bind(storeId, TEST_SEND_CART, cutoff)
    .run()
}
