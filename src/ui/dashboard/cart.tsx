import type { FC } from 'hono/jsx'
import { formatMoney } from '../../domain/message/format'
import type { CartDetail } from '../../views/cart-detail'
import { Messages, Sequence, Timeline } from './cart-activity'
import { Act, Conversation, Hidden } from './cart-conversation'
import { abandonLateness, channelName, STATUS_TONE, when } from './format'
import { CopyField, Flash } from './parts'

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

/** One cart's whole story, with the merchant's actions. */
export const CartPage: FC<Props> = ({ cart, storeName, csrf, notice, error, draft, nonce }) => {
  const base = `/carts/${encodeURIComponent(cart.storeId)}/${encodeURIComponent(cart.cartId)}`
  const archived = cart.status === 'archived'
  const recoverable = Boolean(cart.abandonedAt && !cart.recoveredAt && !cart.convertedAt)
  const late = abandonLateness(cart.abandonedAt, cart.abandonDueAt)
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
            {cart.abandonedAt ? ` · abandoned ${when(cart.abandonedAt)} UTC` : ''}
            {late ? ` (${late})` : ''}
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
        <CopyField
          id="restore-link"
          label="Restore link (signed; share it with this shopper only)"
          value={cart.restoreUrl}
        />
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
