import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { listEndpoints } from '../../db/webhooks'
import { webhookStub } from '../../objects/stubs'
import type { AppEnv } from '../env'
import { invalid, jsonOnly } from '../validation'
import {
  addEndpoint,
  changeEndpoint,
  EndpointPatchBody,
  endpointOf,
  NewEndpointBody,
  RedeliverBody,
  redeliver,
  removeEndpoint,
  rotateEndpointSecret,
  sendTestEvent,
} from '../webhooks-out/ops'
import { visibleStore } from './scope'

/**
 * A store's outbound webhook endpoints (issue 16): create (the secret is shown once), list,
 * change, delete, rotate the secret, send a test event, the delivery log and redelivery.
 */
export const webhooks = new Hono<AppEnv>()

const Page = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().min(1).optional(),
})

webhooks.get('/:storeId/webhooks', async (c) => {
  const store = await visibleStore(c, c.req.param('storeId'))
  return c.json({ webhooks: await listEndpoints(c.env.DB, store.id) })
})

webhooks.post(
  '/:storeId/webhooks',
  jsonOnly,
  zValidator('json', NewEndpointBody, invalid),
  async (c) => {
    const store = await visibleStore(c, c.req.param('storeId'))
    const { endpoint, secret } = await addEndpoint(c.env, store.id, c.req.valid('json'))
    return c.json({ ...endpoint, secret }, 201)
  },
)

webhooks.get('/:storeId/webhooks/:id', async (c) => {
  const store = await visibleStore(c, c.req.param('storeId'))
  return c.json(await endpointOf(c.env, store.id, c.req.param('id')))
})

webhooks.patch(
  '/:storeId/webhooks/:id',
  jsonOnly,
  zValidator('json', EndpointPatchBody, invalid),
  async (c) => {
    const store = await visibleStore(c, c.req.param('storeId'))
    return c.json(await changeEndpoint(c.env, store.id, c.req.param('id'), c.req.valid('json')))
  },
)

webhooks.delete('/:storeId/webhooks/:id', async (c) => {
  const store = await visibleStore(c, c.req.param('storeId'))
  await removeEndpoint(c.env, store.id, c.req.param('id'))
  return c.body(null, 204)
})

webhooks.post('/:storeId/webhooks/:id/rotate-secret', async (c) => {
  const store = await visibleStore(c, c.req.param('storeId'))
  return c.json(await rotateEndpointSecret(c.env, store.id, c.req.param('id')))
})

webhooks.post('/:storeId/webhooks/:id/test', async (c) => {
  const store = await visibleStore(c, c.req.param('storeId'))
  const endpoint = await endpointOf(c.env, store.id, c.req.param('id'))
  return c.json({ attempt: await sendTestEvent(c.env, endpoint) })
})

webhooks.get('/:storeId/webhooks/:id/attempts', zValidator('query', Page, invalid), async (c) => {
  const store = await visibleStore(c, c.req.param('storeId'))
  const endpoint = await endpointOf(c.env, store.id, c.req.param('id'))
  const { limit, before } = c.req.valid('query')
  const stub = webhookStub(c.env.WEBHOOK, endpoint.id)
  const attempts = await stub.attempts(limit + 1, before)
  const page = attempts.slice(0, limit)
  const next = attempts.length > limit ? String(page.at(-1)?.id) : null
  return c.json({ attempts: page, nextCursor: next })
})

webhooks.get('/:storeId/webhooks/:id/events', zValidator('query', Page, invalid), async (c) => {
  const store = await visibleStore(c, c.req.param('storeId'))
  const endpoint = await endpointOf(c.env, store.id, c.req.param('id'))
  const { limit } = c.req.valid('query')
  return c.json(await webhookStub(c.env.WEBHOOK, endpoint.id).events(limit))
})

webhooks.post(
  '/:storeId/webhooks/:id/redeliver',
  jsonOnly,
  zValidator('json', RedeliverBody, invalid),
  async (c) => {
    const store = await visibleStore(c, c.req.param('storeId'))
    const endpoint = await endpointOf(c.env, store.id, c.req.param('id'))
    return c.json(await redeliver(c.env, endpoint, c.req.valid('json')), 202)
  },
)
