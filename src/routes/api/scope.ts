import type { Context } from 'hono'
import { listStores, type Store, storeById } from '../../db/stores'
import { AppError } from '../../lib/errors'
import type { AppEnv } from '../env'

/**
 * The stores a request may read: the one it names, or every store the caller may see. The
 * admin token sees every store; owner-created tokens (dashboard issue) narrow this.
 */
export async function visibleStores(c: Context<AppEnv>, store?: string): Promise<Store[]> {
  if (store) {
    const found = await storeById(c.env.DB, store)
    if (!found) throw new AppError('NOT_FOUND', 'No such store.')
    return [found]
  }
  return listStores(c.env.DB)
}
