// What the merchant can do with a store's webhook endpoints (issue 16), shared by the JSON API
// and the dashboard so that both go through the same checks and the same objects.
import { z } from 'zod'
import { getConfig } from '../../config'
import {
  createEndpoint,
  deleteEndpoint,
  type Endpoint,
  type EndpointPatch,
  endpointById,
  endpointCount,
  rotateSecret,
  updateEndpoint,
} from '../../db/webhooks'
import {
  Description,
  EventList,
  endpointUrlProblem,
  MAX_ENDPOINTS_PER_STORE,
} from '../../domain/webhook/endpoint'
import { AppError } from '../../lib/errors'
import { log } from '../../lib/log'
import { webhookStub } from '../../objects/stubs'

/** The body of a create: the contract's `{ url, events, description? }`, and the opt-in. */
export const NewEndpointBody = z
  .object({
    url: z.string().trim().min(1, 'url is required'),
    events: EventList,
    description: Description.optional(),
    includeContact: z.boolean().optional(),
  })
  .strict()

/** A change: any of the fields, and `enabled` to turn it on or off. */
export const EndpointPatchBody = z
  .object({
    url: z.string().trim().min(1).optional(),
    events: EventList.optional(),
    description: Description.optional(),
    includeContact: z.boolean().optional(),
    enabled: z.boolean().optional(),
  })
  .strict()

/** Redeliver one event, or every event since a time (ISO-8601). */
export const RedeliverBody = z.union([
  z
    .object({ eventId: z.string().regex(/^evt_[A-Za-z0-9]{1,64}$/, 'an event id (evt_…)') })
    .strict(),
  z.object({ since: z.iso.datetime({ offset: true }) }).strict(),
])

function assertUrl(env: Env, url: string) {
  const problem = endpointUrlProblem(url, getConfig(env).APP_ENV === 'production')
  if (problem) throw new AppError('BAD_REQUEST', `Invalid body: ${problem}`)
}

/** Creates an endpoint (20 a store at most); the secret is in the answer and nowhere else. */
export async function addEndpoint(
  env: Env,
  storeId: string,
  body: z.infer<typeof NewEndpointBody>,
) {
  assertUrl(env, body.url)
  if ((await endpointCount(env.DB, storeId)) >= MAX_ENDPOINTS_PER_STORE)
    throw new AppError(
      'CONFLICT',
      `A store may have at most ${MAX_ENDPOINTS_PER_STORE} webhook endpoints.`,
    )
  const input = {
    storeId,
    url: body.url,
    events: body.events,
    description: body.description ?? '',
    includeContact: body.includeContact ?? false,
  }
  return createEndpoint(env.DB, getConfig(env).SIGNING_SECRET, input, Date.now())
}

/** The endpoint a route names, or 404. */
export async function endpointOf(env: Env, storeId: string, id: string): Promise<Endpoint> {
  const found = await endpointById(env.DB, storeId, id)
  if (!found) throw new AppError('NOT_FOUND', 'No such webhook endpoint.')
  return found
}

export async function changeEndpoint(env: Env, storeId: string, id: string, patch: EndpointPatch) {
  if (patch.url !== undefined) assertUrl(env, patch.url)
  const after = await updateEndpoint(env.DB, storeId, id, patch, Date.now())
  if (!after) throw new AppError('NOT_FOUND', 'No such webhook endpoint.')
  return after
}

/** Deletes the endpoint and everything its object holds. */
export async function removeEndpoint(env: Env, storeId: string, id: string): Promise<void> {
  if (!(await deleteEndpoint(env.DB, storeId, id)))
    throw new AppError('NOT_FOUND', 'No such webhook endpoint.')
  // The endpoint is gone either way: an object that missed this clears itself at its next
  // alarm (it finds no endpoint).
  await webhookStub(env.WEBHOOK, id)
    .forget()
    .catch((err: unknown) => log('warn', 'webhook object not cleared', { error: String(err) }))
}

export async function rotateEndpointSecret(env: Env, storeId: string, id: string) {
  const r = await rotateSecret(env.DB, getConfig(env).SIGNING_SECRET, storeId, id, Date.now())
  if (!r) throw new AppError('NOT_FOUND', 'No such webhook endpoint.')
  if (r === 'conflict')
    throw new AppError('CONFLICT', 'The secret was rotated at the same moment; rotate again.')
  return r
}

/** Sends the test event now; the attempt as the log shows it. */
export async function sendTestEvent(env: Env, endpoint: Endpoint) {
  const attempt = await webhookStub(env.WEBHOOK, endpoint.id).sendTest(endpoint.id)
  if (!attempt) throw new AppError('NOT_FOUND', 'No such webhook endpoint.')
  return attempt
}

/** Queues events again; 404 when an event id names none this endpoint holds. */
export async function redeliver(env: Env, endpoint: Endpoint, body: z.infer<typeof RedeliverBody>) {
  if (endpoint.status !== 'enabled')
    throw new AppError('CONFLICT', 'The endpoint is disabled: enable it first, then redeliver.')
  const which = 'eventId' in body ? { eventId: body.eventId } : { since: Date.parse(body.since) }
  const r = await webhookStub(env.WEBHOOK, endpoint.id).redeliver(endpoint.id, which)
  if ('eventId' in which && r.queued === 0)
    throw new AppError('NOT_FOUND', 'This endpoint holds no event with that id.')
  return r
}
