import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { pluginConnection } from '../../db/connect'
import { connectionStatus, recordTestEvent } from '../../db/connection'
import type { Person } from '../../db/privacy'
import type { Store } from '../../db/stores'
import { normalizeEmail, normalizePhone } from '../../lib/contact'
import { AppError } from '../../lib/errors'
import { iso } from '../../lib/time'
import { erasePerson, exportPerson } from '../carts/privacy'
import type { AppEnv } from '../env'
import { invalid, jsonOnly } from '../validation'
import { visibleStore } from './scope'

/**
 * What the WordPress plugin calls besides connecting (issue 13): a person's export and erasure,
 * the connection's status and a test event. Mounted under `/stores`; every route is one store.
 */
export const privacy = new Hono<AppEnv>()

/** The status screen's view of the connection: no token id, no REST root. */
async function connectedPlugin(db: D1Database, storeId: string) {
  const p = await pluginConnection(db, storeId)
  return p ? { siteUrl: p.siteUrl, version: p.version, connectedAt: p.connectedAt } : null
}

const PersonFields = {
  email: z.string().max(320).optional(),
  phone: z.string().max(40).optional(),
}
const onePerson = (b: { email?: string; phone?: string }) =>
  (b.email === undefined) !== (b.phone === undefined)
const PersonBody = z.object(PersonFields).strict().refine(onePerson, 'give either email or phone')
/** An export pages by `cursor`: the previous answer's `nextCursor`. */
const ExportBody = z
  .object({ ...PersonFields, cursor: z.string().min(1).max(200).optional() })
  .strict()
  .refine(onePerson, 'give either email or phone')

/** The body's address, normalised as carts store it (a phone read in the store's country). */
function personOf(store: Store, b: { email?: string; phone?: string }): Person {
  if (b.email !== undefined) {
    const email = normalizeEmail(b.email)
    if (!email) throw new AppError('BAD_REQUEST', 'Invalid body: email: not a valid email.')
    return { email }
  }
  const phone = normalizePhone(b.phone ?? '', store.settings.defaultCountry)
  if (!phone) throw new AppError('BAD_REQUEST', 'Invalid body: phone: not a valid phone number.')
  return { phone }
}

// Export and erase read the person the same way; the export also takes a page cursor.
privacy.post(
  '/:storeId/privacy/export',
  jsonOnly,
  zValidator('json', ExportBody, invalid),
  async (c) => {
    const store = await visibleStore(c, c.req.param('storeId'))
    const body = c.req.valid('json')
    return c.json(await exportPerson(c.env, store, personOf(store, body), body.cursor))
  },
)

privacy.post(
  '/:storeId/privacy/erase',
  jsonOnly,
  zValidator('json', PersonBody, invalid),
  async (c) => {
    const store = await visibleStore(c, c.req.param('storeId'))
    return c.json(await erasePerson(c.env, store, personOf(store, c.req.valid('json'))))
  },
)

// `plugin`: the connected WordPress site as the connect handshake recorded it, or null.
privacy.get('/:storeId/connection', async (c) => {
  const store = await visibleStore(c, c.req.param('storeId'))
  return c.json({
    store: { id: store.id, name: store.name },
    ...(await connectionStatus(c.env.DB, store.id)),
    plugin: await connectedPlugin(c.env.DB, store.id),
  })
})

privacy.post('/:storeId/test-event', async (c) => {
  const store = await visibleStore(c, c.req.param('storeId'))
  const at = Date.now()
  if (!(await recordTestEvent(c.env.DB, store.id, at))) {
    throw new AppError(
      'CONFLICT',
      'No WordPress site is connected to this store; connect one first.',
    )
  }
  return c.json({ ok: true, at: iso(at) }, 202)
})
