import type { FC } from 'hono/jsx'
import type { CartDetail } from '../../views/cart-detail'
import { channelName, when } from './format'

const RUN_TONE: Record<string, string> = {
  sent: 'badge ok',
  scheduled: 'badge',
  deferred: 'badge warn',
  sending: 'badge info',
  skipped: 'badge muted',
  failed: 'badge bad',
  cancelled: 'badge muted',
}

/** The cart's steps: what was sent, what is due, and why some were not. */
export const Sequence: FC<{ cart: CartDetail }> = ({ cart }) => (
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
                <td class="mono">
                  {r.step}
                  {r.variant ? (
                    <span class="faint"> · variant {r.variant.toUpperCase()}</span>
                  ) : null}
                </td>
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

/** Every message sent for the cart, with its delivery events. */
export const Messages: FC<{ cart: CartDetail }> = ({ cart }) => (
  <div class="card">
    <h2>Messages</h2>
    {cart.messages.length ? (
      <ul class="plain">
        {cart.messages.map((m) => (
          <li class="message">
            <div>
              <strong>{m.subject ?? channelName(m.channel)}</strong>{' '}
              <span class="faint">
                {m.step}
                {m.variant ? ` · variant ${m.variant.toUpperCase()}` : ''} · to {m.to} ·{' '}
                {m.provider}
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

const detailOfEntry = (e: Record<string, unknown>) =>
  Object.entries(e)
    .filter(([k, v]) => !['at', 'type', 'source'].includes(k) && v !== null && v !== undefined)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
    .join(' · ')

/** The cart's journal, newest first. */
export const Timeline: FC<{ cart: CartDetail }> = ({ cart }) => (
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
