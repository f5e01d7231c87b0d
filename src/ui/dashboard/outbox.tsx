import type { FC } from 'hono/jsx'
import type { MessageView } from '../../views/cart'
import { channelName, when } from './format'
import { Choice, StoreSelect } from './parts'

const CHANNEL_OPTIONS = {
  '': 'Email and texts',
  email: channelName('email'),
  sms: channelName('sms'),
}

type Props = {
  stores: { id: string; name: string }[]
  store: string
  channel: string
  messages: MessageView[]
  /** The query string of the next page, when there is one. */
  next: string | null
  /** Where messages really go when a provider is set. */
  modes: { email: string; sms: string }
}

const Email: FC<{ m: MessageView }> = ({ m }) => (
  <article class="card outbox-item" aria-label={`Email to ${m.to}`}>
    <header class="row-between">
      <div>
        <div class="faint">
          Email · to <strong>{m.to}</strong> · {m.step} · {when(m.createdAt)} UTC
        </div>
        <h2 class="subject">{m.subject ?? '(no subject)'}</h2>
        {m.preheader ? <div class="faint">{m.preheader}</div> : null}
      </div>
      <span class="badge">{m.status}</span>
    </header>
    {m.html ? (
      <iframe
        class="email-frame"
        title={`Email to ${m.to}: ${m.subject ?? ''}`}
        src={`/outbox/${encodeURIComponent(m.id)}/html`}
        sandbox=""
        loading="lazy"
      />
    ) : (
      <pre class="wrap">{m.text}</pre>
    )}
    <details>
      <summary>Plain-text version</summary>
      <pre class="wrap">{m.text}</pre>
    </details>
  </article>
)

const Text: FC<{ m: MessageView }> = ({ m }) => (
  <article class="card outbox-item" aria-label={`Text to ${m.to}`}>
    <header class="row-between">
      <div class="faint">
        Text · to <strong>{m.to}</strong> · {m.step} · {when(m.createdAt)} UTC
      </div>
      <span class="badge">{m.status}</span>
    </header>
    <div class="bubble">{m.text}</div>
  </article>
)

/** The dev outbox: every email and text as the shopper would get it (nothing left the machine). */
export const OutboxPage: FC<Props> = (p) => (
  <>
    <div class="head">
      <div>
        <h1>Outbox</h1>
        <p class="sub">
          Messages kept here instead of sent, exactly as the shopper would see them.{' '}
          {p.modes.email === 'this outbox' && p.modes.sms === 'this outbox'
            ? 'No email or SMS provider is set, so nothing leaves this machine.'
            : `Email goes through ${p.modes.email}; texts through ${p.modes.sms}.`}
        </p>
      </div>
      <form method="get" action="/outbox" class="filters">
        <StoreSelect stores={p.stores} current={p.store} />
        <Choice name="channel" label="Channel" value={p.channel} options={CHANNEL_OPTIONS} />
        <button class="btn secondary" type="submit">
          Show
        </button>
      </form>
    </div>
    {p.messages.length ? (
      <div class="stack">
        {p.messages.map((m) => (m.channel === 'email' ? <Email m={m} /> : <Text m={m} />))}
      </div>
    ) : (
      <p class="card empty">
        The outbox is empty. Messages land here when a sequence step or a reply goes out without a
        provider configured.
      </p>
    )}
    {p.next ? (
      <nav class="pager" aria-label="Pages">
        <span />
        <a class="btn secondary" href={`/outbox?${p.next}`}>
          Older messages →
        </a>
      </nav>
    ) : null}
  </>
)
