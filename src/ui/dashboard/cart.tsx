import type { FC } from 'hono/jsx'
import { formatMoney } from '../../domain/message/format'
import type { CartDetail } from '../../views/cart-detail'
import { channelName, STATUS_TONE, when } from './format'
import { Flash } from './parts'

type Props = {
  cart: CartDetail
  storeName: string
  csrf: string
  notice?: string
  error?: string
  /** The reply the merchant typed, kept when sending failed. */
  draft?: string
  /** The reply form's one-time key; kept when sending failed, so a resubmission never resends. */
  nonce?: string
}

const RUN_TONE: Record<string, string> = {
  sent: 'badge ok',
  scheduled: 'badge',
  deferred: 'badge warn',
  sending: 'badge info',
  skipped: 'badge muted',
  failed: 'badge bad',
  cancelled: 'badge muted',
}

const AUTHOR = { shopper: 'Shopper', ai: 'Assistant', merchant: 'You' } as const

const Hidden: FC<{ csrf: string }> = ({ csrf }) => <input type="hidden" name="_csrf" value={csrf} />

/** One action button in its own small form (no script needed). */
const Act: FC<{ base: string; csrf: string; action: string; label: string; tone?: string }> = (
  p,
) => (
  <form method="post" action={`${p.base}/act`}>
    <Hidden csrf={p.csrf} />
    <input type="hidden" name="action" value={p.action} />
    <button class={`btn ${p.tone ?? 'secondary'}`} type="submit">
      {p.label}
    </button>
  </form>
)

const Items: FC<{ cart: CartDetail }> = ({ cart }) => (
  <div class="card">
    <h2>Items</h2>
    {cart.items.length ? (
      <table>
        <tbody>
          {cart.items.map((i) => (
            <tr>
              <td class="thumb">
                {i.image ? (
                  <img src={i.image} alt="" width={44} height={44} loading="lazy" />
                ) : null}
              </td>
              <td>
                {i.url ? (
                  <a href={i.url} rel="noopener noreferrer" target="_blank">
                    {i.name}
                  </a>
                ) : (
                  i.name
                )}
                {i.variant ? <div class="faint">{i.variant}</div> : null}
              </td>
              <td class="num">× {i.quantity}</td>
              <td class="num">{formatMoney(i.price * i.quantity, cart.currency)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th colspan={3}>Total</th>
            <td class="num strong">{formatMoney(cart.total, cart.currency)}</td>
          </tr>
        </tfoot>
      </table>
    ) : (
      <p class="empty">The cart is empty.</p>
    )}
  </div>
)

const Contact: FC<{ cart: CartDetail }> = ({ cart }) => {
  const c = cart.contact
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ')
  const rows: [string, string | undefined][] = [
    ['Name', name || undefined],
    ['Email', c.email],
    ['Phone', c.phone],
    ['Time zone', c.timezone],
    ['Locale', c.locale],
  ]
  return (
    <div class="card">
      <h2>Contact and consent</h2>
      <dl class="facts">
        {rows.map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v ?? <span class="faint">—</span>}</dd>
          </>
        ))}
      </dl>
      <h3>Consent evidence</h3>
      {cart.consent.length ? (
        <ul class="plain">
          {cart.consent.map((r) => (
            <li class="consent">
              <span class={r.granted ? 'badge ok' : 'badge muted'}>
                {channelName(r.channel)} {r.granted ? 'granted' : 'declined'}
              </span>{' '}
              <span class="faint">{when(r.at)} UTC</span>
              <blockquote>{r.text}</blockquote>
              <div class="faint">
                {[r.phone ?? r.email, r.ip, r.page].filter(Boolean).join(' · ')}
              </div>
              {r.userAgent ? <div class="faint small">{r.userAgent}</div> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="faint">No consent recorded: no texts go to this cart.</p>
      )}
    </div>
  )
}

const Sequence: FC<{ cart: CartDetail }> = ({ cart }) => (
  <div class="card">
    <h2>Sequence</h2>
    {cart.sequence.length ? (
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th>Step</th>
              <th>Channel</th>
              <th>Status</th>
              <th>Due (UTC)</th>
              <th>Note</th>
            </tr>
          </thead>
          <tbody>
            {cart.sequence.map((r) => (
              <tr>
                <td class="mono">{r.step}</td>
                <td>{channelName(r.channel)}</td>
                <td>
                  <span class={RUN_TONE[r.status] ?? 'badge'}>{r.status}</span>
                </td>
                <td>{when(r.notBefore ?? r.dueAt)}</td>
                <td class="faint">{r.reason ?? (r.at ? `at ${when(r.at)}` : '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    ) : (
      <p class="faint">No sequence: it starts when the cart is abandoned.</p>
    )}
  </div>
)

const Messages: FC<{ cart: CartDetail }> = ({ cart }) => (
  <div class="card">
    <h2>Messages</h2>
    {cart.messages.length ? (
      <ul class="plain">
        {cart.messages.map((m) => (
          <li class="message">
            <div>
              <strong>{m.subject ?? channelName(m.channel)}</strong>{' '}
              <span class="faint">
                {m.step} · to {m.to} · {m.provider}
              </span>
            </div>
            <div class="events">
              <span class={m.status === 'failed' ? 'badge bad' : 'badge'}>{m.status}</span>
              <span>sent {when(m.createdAt)}</span>
              <span>delivered {when(m.deliveredAt)}</span>
              {m.channel === 'email' ? <span>opened {when(m.openedAt)}</span> : null}
              <span>clicked {when(m.clickedAt)}</span>
            </div>
            {m.error ? <div class="faint">{m.error}</div> : null}
            <details>
              <summary>Text</summary>
              <pre class="wrap">{m.text}</pre>
            </details>
          </li>
        ))}
      </ul>
    ) : (
      <p class="faint">No message sent yet.</p>
    )}
  </div>
)

const Conversation: FC<{
  cart: CartDetail
  base: string
  csrf: string
  draft?: string
  nonce?: string
}> = (p) => {
  const thread = p.cart.conversation
  if (!thread) return null
  return (
    <div class="card" id="conversation">
      <div class="row-between">
        <h2>Text conversation</h2>
        {thread.state === 'needs_human' ? (
          <span class="badge warn">Needs a person: the assistant is silent</span>
        ) : (
          <span class="badge ok">The assistant answers</span>
        )}
      </div>
      {thread.turns.length ? (
        <ol class="thread">
          {thread.turns.map((t) => (
            <li class={`turn ${t.author}`}>
              <div class="who">
                {AUTHOR[t.author]}
                {t.model ? ` · ${t.model}` : ''} · {when(t.at)}
              </div>
              <div>{t.text}</div>
            </li>
          ))}
        </ol>
      ) : (
        <p class="faint">The shopper has not replied.</p>
      )}
      <form method="post" action={`${p.base}/reply`} class="stack">
        <Hidden csrf={p.csrf} />
        <input type="hidden" name="nonce" value={p.nonce ?? crypto.randomUUID()} />
        <label for="reply">Reply by hand (sent as a text from the store)</label>
        <textarea id="reply" name="text" rows={3} maxlength={1000} required>
          {p.draft ?? ''}
        </textarea>
        <div class="actions">
          <button class="btn" type="submit">
            Send text
          </button>
        </div>
      </form>
      {thread.state === 'needs_human' ? (
        <Act
          base={p.base}
          csrf={p.csrf}
          action="resume_ai"
          label="Let the assistant answer again"
        />
      ) : null}
    </div>
  )
}

const detailOfEntry = (e: Record<string, unknown>) =>
  Object.entries(e)
    .filter(([k, v]) => !['at', 'type', 'source'].includes(k) && v !== null && v !== undefined)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join(' · ')

const Timeline: FC<{ cart: CartDetail }> = ({ cart }) => (
  <div class="card">
    <h2>Timeline</h2>
    <ol class="timeline">
      {[...cart.journal].reverse().map((e) => (
        <li>
          <span class="faint mono">{when(e.at)}</span>
          <span class="event">{e.type}</span>
          <span class="badge muted">{e.source}</span>
          <div class="faint">{detailOfEntry(e)}</div>
        </li>
      ))}
    </ol>
  </div>
)

/** One cart's whole story, with the merchant's actions. */
export const CartPage: FC<Props> = ({ cart, storeName, csrf, notice, error, draft, nonce }) => {
  const base = `/carts/${encodeURIComponent(cart.storeId)}/${encodeURIComponent(cart.cartId)}`
  const archived = cart.status === 'archived'
  const recoverable = Boolean(cart.abandonedAt && !cart.recoveredAt && !cart.convertedAt)
  return (
    <>
      <p class="crumbs">
        <a href="/carts">← Carts</a>
      </p>
      <div class="head">
        <div>
          <h1>
            Cart <span class="mono">{cart.cartId.slice(0, 12)}…</span>{' '}
            <span class={STATUS_TONE[cart.status]}>{cart.status}</span>
          </h1>
          <p class="sub">
            {storeName} · {formatMoney(cart.total, cart.currency)} · last activity{' '}
            {when(cart.lastActivityAt)} UTC
            {cart.order ? ` · order ${cart.order.id}` : ''}
          </p>
        </div>
        <div class="actions">
          {archived ? null : <Act base={base} csrf={csrf} action="archive" label="Archive" />}
          {cart.status === 'ignored' ? (
            <Act base={base} csrf={csrf} action="unignore" label="Stop ignoring" />
          ) : archived ? null : (
            <Act base={base} csrf={csrf} action="ignore" label="Ignore" />
          )}
          {recoverable ? (
            <Act base={base} csrf={csrf} action="mark_recovered" label="Mark recovered" />
          ) : null}
          <form method="post" action="/carts/bulk">
            <Hidden csrf={csrf} />
            <input type="hidden" name="action" value="delete" />
            <input type="hidden" name="cart" value={`${cart.storeId}/${cart.cartId}`} />
            <button class="btn danger" type="submit">
              Delete…
            </button>
          </form>
        </div>
      </div>
      <Flash notice={notice} error={error} />
      <div class="card copy-row">
        <label for="restore-link">Restore link (signed; share it with this shopper only)</label>
        <div class="actions">
          <input id="restore-link" class="grow mono" readonly value={cart.restoreUrl} />
          <button class="btn secondary" type="button" data-copy="restore-link" hidden>
            Copy
          </button>
        </div>
      </div>
      <section class="grid two">
        <Items cart={cart} />
        <Contact cart={cart} />
      </section>
      <section class="grid two">
        <div class="stack">
          <Sequence cart={cart} />
          <Messages cart={cart} />
        </div>
        <div class="stack">
          <Conversation
            cart={cart}
            base={base}
            csrf={csrf}
            {...(draft ? { draft } : {})}
            {...(nonce ? { nonce } : {})}
          />
          <Timeline cart={cart} />
        </div>
      </section>
    </>
  )
}
