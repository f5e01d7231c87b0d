import type { Context } from 'hono'
import { type Store, storeById } from '../../db/stores'
import { AppError } from '../../lib/errors'
import type { AppEnv } from '../env'

/**
 * The stores a request reads: the one it names, or null for every store. Only the admin token
 * exists so far and it sees every store; owner-created tokens (dashboard issue) narrow this.
 */
export async function scopeOf(c: Context<AppEnv>, store?: string): Promise<Store | null> {
  if (!store) return null
  const found = await storeById(c.env.DB, store)
  if (!found) throw new AppError('NOT_FOUND', 'No such store.')
  return found
}
