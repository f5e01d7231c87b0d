import type { FC } from 'hono/jsx'
import { EVENT_TYPES } from '../../domain/webhook/events'
import type { Attempt, Endpoint } from '../../views/webhooks'
import { Flash, StorePicker } from './parts'

/** An endpoint with the latest attempts of its delivery log. */
export type EndpointWithLog = Endpoint & { attempts: Attempt[] }

export type WebhooksPageProps = {
  store: { id: string; name: string }
  stores: { id: string; name: string }[]
  endpoints: EndpointWithLog[]
  csrf: string
  /** A secret just made (create or rotate): shown once. */
  secret?: { endpointId: string; value: string; rotated: boolean }
  notice?: string
  error?: string
  /** The refused create form's values, shown again. */
  values?: { url: string; description: string; events: string[]; includeContact: boolean }
}

const utc = (iso: string) => iso.slice(0, 19).replace('T', ' ')

const base = (p: { store: { id: string } }) =>
  `/settings/webhooks/${encodeURIComponent(p.store.id)}`

/** A small form that posts one action (with the CSRF token) and shows one button. */
const Action: FC<{
  action: string
  csrf: string
  label: string
  kind?: string
  aria?: string
  fields?: Record<string, string>
}> = (a) => (
  <form method="post" action={a.action} class="inline">
    <input type="hidden" name="_csrf" value={a.csrf} />
    {Object.entries(a.fields ?? {}).map(([k, v]) => (
      <input type="hidden" name={k} value={v} />
    ))}
    <button
      class={`btn compact ${a.kind ?? 'secondary'}`}
      type="submit"
      aria-label={a.aria ?? a.label}
    >
      {a.label}
    </button>
  </form>
)

const CreateForm: FC<{ p: WebhooksPageProps }> = ({ p }) => {
  const v = p.values
  return (
    <form method="post" action={base(p)} class="stack" id="new-endpoint">
      <input type="hidden" name="_csrf" value={p.csrf} />
      <h2>Add an endpoint</h2>
      <div class="field">
        <label for="url">URL</label>
        <input
          id="url"
          name="url"
          type="url"
          required
          placeholder="https://hooks.example.com/cartback"
          value={v?.url ?? ''}
        />
      </div>
      <div class="field">
        <label for="description">Description</label>
        <input
          id="description"
          name="description"
          maxlength={200}
          placeholder="CRM sync"
          value={v?.description ?? ''}
        />
      </div>
      <fieldset class="events">
        <legend>Events</legend>
        {EVENT_TYPES.map((t) => (
          <label class="check">
            <input
              type="checkbox"
              name="events[]"
              value={t}
              checked={v ? v.events.includes(t) : true}
            />{' '}
            <code>{t}</code>
          </label>
        ))}
      </fieldset>
      <label class="check">
        <input
          type="checkbox"
          name="includeContact"
          value="1"
          checked={v?.includeContact ?? false}
        />
        <span>
          Send contact details unmasked (emails, phone numbers, names). Off, they read like{' '}
          <code>j•••@example.com</code>.
        </span>
      </label>
      <button class="btn" type="submit">
        Add endpoint
      </button>
    </form>
  )
}

const Log: FC<{ e: EndpointWithLog; p: WebhooksPageProps }> = ({ e, p }) =>
  e.attempts.length === 0 ? (
    <p class="faint">No delivery yet. Send a test event to try the endpoint.</p>
  ) : (
    <div class="scroll">
      <table class="attempts">
        <thead>
          <tr>
            <th>Time (UTC)</th>
            <th>Event</th>
            <th>Status</th>
            <th>Latency</th>
            <th>Response</th>
            <th>
              <span class="skip">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {e.attempts.map((a) => (
            <tr>
              <td class="nowrap">{utc(a.at)}</td>
              <td>
                <code>{a.eventType}</code>
                <div class="faint small">
                  {a.eventId} · {a.trigger}
                </div>
              </td>
              <td>
                <span class={`badge ${a.ok ? 'ok' : 'bad'}`}>{a.status ?? 'no answer'}</span>
              </td>
              <td class="nowrap">{a.latencyMs} ms</td>
              <td>
                <code class="small snippet">{a.response.slice(0, 200)}</code>
              </td>
              <td>
                {a.trigger === 'test' ? null : (
                  <Action
                    action={`${base(p)}/${e.id}/redeliver`}
                    csrf={p.csrf}
                    label="Redeliver"
                    aria={`Redeliver ${a.eventId}`}
                    fields={{ eventId: a.eventId }}
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )

const EndpointCard: FC<{ e: EndpointWithLog; p: WebhooksPageProps }> = ({ e, p }) => (
  <article class="card endpoint" id={e.id}>
    <div class="row-between">
      <div>
        <h3>
          <code>{e.url}</code>
        </h3>
        <p class="faint">
          {e.description ? `${e.description} · ` : ''}
          {e.events.length === EVENT_TYPES.length ? 'every event' : e.events.join(', ')}
          {e.includeContact ? ' · contact details unmasked' : ' · contact details masked'}
        </p>
      </div>
      <div>
        {e.status === 'enabled' ? (
          <span class="badge ok">enabled</span>
        ) : (
          <span class="badge bad">disabled{e.disabledReason ? ` (${e.disabledReason})` : ''}</span>
        )}
      </div>
    </div>
    {p.secret?.endpointId === e.id ? (
      <div class="notice" role="status">
        {p.secret.rotated
          ? 'New signing secret (the previous one signs too for 24 hours)'
          : 'Signing secret'}{' '}
        (shown once): <code id="new-secret">{p.secret.value}</code>
      </div>
    ) : null}
    {e.previousSecretUntil ? (
      <p class="faint">
        Rotating: the previous secret signs too until {utc(e.previousSecretUntil)} UTC.
      </p>
    ) : null}
    <div class="actions-row">
      <Action action={`${base(p)}/${e.id}/test`} csrf={p.csrf} label="Send test event" />
      <Action action={`${base(p)}/${e.id}/rotate`} csrf={p.csrf} label="Rotate secret" />
      {e.status === 'enabled' ? (
        <Action
          action={`${base(p)}/${e.id}/enabled`}
          csrf={p.csrf}
          label="Disable"
          fields={{ enabled: 'false' }}
        />
      ) : (
        <Action
          action={`${base(p)}/${e.id}/enabled`}
          csrf={p.csrf}
          label="Enable"
          fields={{ enabled: 'true' }}
        />
      )}
      <Action
        action={`${base(p)}/${e.id}/delete`}
        csrf={p.csrf}
        label="Delete"
        kind="danger"
        aria={`Delete ${e.url}`}
      />
      <form method="post" action={`${base(p)}/${e.id}/redeliver`} class="inline">
        <input type="hidden" name="_csrf" value={p.csrf} />
        <label for={`since-${e.id}`} class="faint">
          Redeliver since (UTC)
        </label>{' '}
        <input id={`since-${e.id}`} name="since" type="datetime-local" required />{' '}
        <button class="btn compact secondary" type="submit">
          Redeliver
        </button>
      </form>
    </div>
    <h3>Delivery log</h3>
    <Log e={e} p={p} />
  </article>
)

/** Settings → Webhooks: a store's endpoints, their secrets, test events and delivery logs. */
export const WebhooksPage: FC<WebhooksPageProps> = (p) => (
  <>
    <div class="head">
      <div>
        <h1>Webhooks</h1>
        <p class="sub">
          {p.store.name}: signed events (Standard Webhooks) for your CRM, help desk or Zapier,
          retried for three days.{' '}
          <a href={`/settings?store=${encodeURIComponent(p.store.id)}`}>Back to settings</a>
        </p>
      </div>
      <StorePicker action="/settings/webhooks" stores={p.stores} current={p.store.id} />
    </div>
    <Flash notice={p.notice} error={p.error} />
    <div class="stack">
      {p.endpoints.length === 0 ? <p class="empty card">No endpoints yet.</p> : null}
      {p.endpoints.map((e) => (
        <EndpointCard e={e} p={p} />
      ))}
      <section class="card">
        <CreateForm p={p} />
      </section>
    </div>
  </>
)
