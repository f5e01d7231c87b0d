import { Hono } from 'hono'
import { disconnectPlugin, issueConnectCode } from '../../db/connect'
import { forgetCachedStore, updateStore } from '../../db/stores'
import type { AppEnv } from '../env'
import { visibleStore } from './scope'

/**
 * A store's WordPress connection (issue 13): a one-time connect code for the plugin, and the
 * plugin's disconnect. Both write, so a read-only token is refused by the API's middleware.
 */
export const connection = new Hono<AppEnv>()

connection.post('/:storeId/connect-codes', async (c) => {
  const store = await visibleStore(c, c.req.param('storeId'))
  return c.json(await issueConnectCode(c.env.DB, store.id), 201)
})

/**
 * Forgets the sealed WooCommerce keys, revokes the plugin's token and takes back the origin its
 * connect added (not one the store allowed before); 204 even if none.
 */
connection.delete('/:storeId/connection', async (c) => {
  const store = await visibleStore(c, c.req.param('storeId'))
  await updateStore(c.env.DB, store.id, { woocommerceApi: null })
  await disconnectPlugin(c.env.DB, store.id)
  forgetCachedStore(store)
  return c.body(null, 204)
})
