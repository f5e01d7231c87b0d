import type { Context } from 'hono'
import { Hono } from 'hono'
import { z } from 'zod'
import { listEndpoints } from '../../db/webhooks'
import { AppError } from '../../lib/errors'
import { webhookStub } from '../../objects/stubs'
import {
  type EndpointWithLog,
  WebhooksPage,
  type WebhooksPageProps,
} from '../../ui/dashboard/webhooks'
import type { AppEnv } from '../env'
import { formFields } from '../validation'
import {
  addEndpoint,
  changeEndpoint,
  endpointOf,
  NewEndpointBody,
  redeliver,
  removeEndpoint,
  rotateEndpointSecret,
  sendTestEvent,
} from '../webhooks-out/ops'
import { render, signedIn, storeOf } from './page'

/** Settings → Webhooks (issue 16): the same operations as the API, through the same checks. */
export const webhookPages = new Hono<AppEnv>()

/** Attempts shown per endpoint; the API pages through the rest. */
const LOG_ROWS = 20

type Extra = Pick<WebhooksPageProps, 'secret' | 'notice' | 'error' | 'values'>

async function webhooksPage(c: Context<AppEnv>, storeId: string | undefined, extra: Extra = {}) {
  const { stores, store } = await storeOf(c, storeId)
  const list = await listEndpoints(c.env.DB, store.id)
  const endpoints: EndpointWithLog[] = await Promise.all(
    list.map(async (e) => ({
      ...e,
      attempts: await webhookStub(c.env.WEBHOOK, e.id).attempts(LOG_ROWS),
    })),
  )
  return render(
    c,
    <WebhooksPage
      store={{ id: store.id, name: store.name }}
      stores={stores.map((s) => ({ id: s.id, name: s.name }))}
      endpoints={endpoints}
      csrf={c.get('csrf') ?? ''}
      {...extra}
    />,
    { title: 'Webhooks', section: 'settings' },
  )
}

const back = (storeId: string, notice: string, anchor = '') =>
  `/settings/webhooks?store=${encodeURIComponent(storeId)}&notice=${encodeURIComponent(notice)}${anchor}`

/** Notices a redirect may name (never free text from the query). */
const NOTICES: Record<string, string> = {
  deleted: 'The endpoint was deleted.',
  enabled: 'The endpoint is enabled.',
  disabled: 'The endpoint is disabled: events are kept for it, not sent.',
  redelivered: 'Queued for redelivery.',
  none: 'There was nothing to redeliver since then.',
}

webhookPages.get('/settings/webhooks', ...signedIn, (c) => {
  const notice = NOTICES[c.req.query('notice') ?? '']
  return webhooksPage(c, c.req.query('store'), notice ? { notice } : {})
})

const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String)

webhookPages.post('/settings/webhooks/:storeId', ...signedIn, formFields, async (c) => {
  const { store } = await storeOf(c, c.req.param('storeId'))
  const form = c.req.valid('form') as Record<string, unknown>
  const values = {
    url: String(form.url ?? ''),
    description: String(form.description ?? ''),
    events: list(form['events[]']),
    includeContact: form.includeContact === '1',
  }
  const body = NewEndpointBody.safeParse(values)
  if (!body.success) {
    c.status(400)
    const error =
      values.events.length === 0
        ? 'Choose at least one event.'
        : 'Give an https:// URL (at most 2,048 characters), known events, and a description of at most 200 characters.'
    const shown = {
      ...values,
      url: values.url.slice(0, 2048),
      description: values.description.slice(0, 200),
    }
    return webhooksPage(c, store.id, { error, values: shown })
  }
  try {
    const { endpoint, secret } = await addEndpoint(c.env, store.id, body.data)
    return webhooksPage(c, store.id, {
      secret: { endpointId: endpoint.id, value: secret, rotated: false },
    })
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err
    c.status(err.status)
    return webhooksPage(c, store.id, { error: err.message.replace(/^Invalid body: /, ''), values })
  }
})

/** The store and endpoint an action names; 404 for either unknown. */
async function target(c: Context<AppEnv>) {
  const { store } = await storeOf(c, c.req.param('storeId'))
  const endpoint = await endpointOf(c.env, store.id, c.req.param('id') ?? '')
  return { store, endpoint }
}

webhookPages.post('/settings/webhooks/:storeId/:id/test', ...signedIn, async (c) => {
  const { store, endpoint } = await target(c)
  const a = await sendTestEvent(c.env, endpoint)
  const notice = a.ok
    ? `Test event delivered: ${a.status} in ${a.latencyMs} ms.`
    : `Test event not delivered: ${a.status ?? 'no answer'} (${a.response.slice(0, 80)}).`
  return webhooksPage(c, store.id, { notice })
})

webhookPages.post('/settings/webhooks/:storeId/:id/rotate', ...signedIn, async (c) => {
  const { store, endpoint } = await target(c)
  const { secret } = await rotateEndpointSecret(c.env, store.id, endpoint.id)
  return webhooksPage(c, store.id, {
    secret: { endpointId: endpoint.id, value: secret, rotated: true },
  })
})

const Enabled = z.object({ enabled: z.enum(['true', 'false']) })

webhookPages.post('/settings/webhooks/:storeId/:id/enabled', ...signedIn, formFields, async (c) => {
  const { store, endpoint } = await target(c)
  const form = Enabled.safeParse(c.req.valid('form'))
  if (!form.success) throw new AppError('BAD_REQUEST', 'Enable or disable the endpoint.')
  const enabled = form.data.enabled === 'true'
  await changeEndpoint(c.env, store.id, endpoint.id, { enabled })
  return c.redirect(back(store.id, enabled ? 'enabled' : 'disabled', `#${endpoint.id}`), 303)
})

webhookPages.post('/settings/webhooks/:storeId/:id/delete', ...signedIn, async (c) => {
  const { store, endpoint } = await target(c)
  await removeEndpoint(c.env, store.id, endpoint.id)
  return c.redirect(back(store.id, 'deleted'), 303)
})

/** `eventId`, or `since` from a datetime-local field (read as UTC, as the page says). */
const RedeliverForm = z.union([
  z.object({ eventId: z.string().regex(/^evt_[A-Za-z0-9]{1,64}$/) }),
  z.object({ since: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/) }),
])

webhookPages.post(
  '/settings/webhooks/:storeId/:id/redeliver',
  ...signedIn,
  formFields,
  async (c) => {
    const { store, endpoint } = await target(c)
    const form = RedeliverForm.safeParse(c.req.valid('form'))
    if (!form.success)
      throw new AppError('BAD_REQUEST', 'Choose an event, or a time to redeliver from.')
    const since = 'since' in form.data ? Date.parse(`${form.data.since}Z`) : Number.NaN
    if ('since' in form.data && !Number.isFinite(since))
      throw new AppError('BAD_REQUEST', 'That is not a date and time.')
    const body =
      'eventId' in form.data
        ? { eventId: form.data.eventId }
        : { since: new Date(since).toISOString() }
    const { queued } = await redeliver(c.env, endpoint, body)
    return c.redirect(back(store.id, queued > 0 ? 'redelivered' : 'none', `#${endpoint.id}`), 303)
  },
)
