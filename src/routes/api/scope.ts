import type { Context } from 'hono'
import { listStores, storeById } from '../../db/stores'
import { AppError } from '../../lib/errors'
import type { AppEnv } from '../env'

/**
 * The stores a request may read: the one it names, or every store the caller may see. The
 * admin token sees every store; owner-created tokens (dashboard issue) narrow this.
 */
export async function visibleStoreIds(c: Context<AppEnv>, store?: string): Promise<string[]> {
  if (store) {
    const found = await storeById(c.env.DB, store)
    if (!found) throw new AppError('NOT_FOUND', 'No such store.')
    return [found.id]
  }
  return (await listStores(c.env.DB)).map((s) => s.id)
}
