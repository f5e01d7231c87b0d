import type { FC } from 'hono/jsx'
import { CART_STATUSES } from '../../domain/cart/schema'
import { formatMoney } from '../../domain/message/format'
import type { CartListRow } from '../../views/cart'
import { channelName, maskEmail, maskPhone, STATUS_TONE, when } from './format'
import { Choice, DateRange, Flash, StoreSelect } from './parts'

/** The list's filters as the form shows them (strings, as typed). */
export type CartFilterForm = {
  store: string
  status: string
  channel: string
  contact: string
  from: string
  to: string
  q: string
}

type Props = {
  stores: { id: string; name: string }[]
  form: CartFilterForm
  rows: CartListRow[]
  /** The query string of the current filter (no cursor), for export, paging and going back. */
  query: string
  nextCursor: string | null
  paged: boolean
  csrf: string
  notice?: string
  error?: string
}

const BULK = [
  ['archive', 'Archive'],
  ['ignore', 'Ignore (stop messages)'],
  ['delete', 'Delete…'],
] as const

const withQuery = (path: string, query: string, extra = '') => {
  const q = [query, extra].filter(Boolean).join('&')
  return q ? `${path}?${q}` : path
}

const STATUS_OPTIONS = { '': 'Any status', ...Object.fromEntries(CART_STATUSES.map((s) => [s, s])) }
const CHANNEL_OPTIONS = { '': 'Any channel', email: 'Email', sms: 'Text' }
const CONTACT_OPTIONS = { '': 'With or without', yes: 'Has email or phone', no: 'No contact' }

const Filters: FC<{ stores: Props['stores']; form: CartFilterForm }> = ({ stores, form }) => (
  <form class="card filters" method="get" action="/carts" aria-label="Filter carts">
    <div class="grow">
      <label for="q">Search</label>
      <input
        id="q"
        name="q"
        type="search"
        value={form.q}
        maxlength={320}
        placeholder="Email, phone, order or cart id"
      />
    </div>
    <StoreSelect stores={stores} current={form.store} />
    <Choice name="status" label="Status" value={form.status} options={STATUS_OPTIONS} />
    <Choice name="channel" label="Messaged by" value={form.channel} options={CHANNEL_OPTIONS} />
    <Choice name="contact" label="Contact" value={form.contact} options={CONTACT_OPTIONS} />
    <DateRange from={form.from} to={form.to} labels={['Updated from', 'to']} />
    <div class="actions">
      <button class="btn" type="submit">
        Filter
      </button>
      <a class="btn secondary" href="/carts">
        Clear
      </a>
    </div>
  </form>
)

const Row: FC<{ r: CartListRow; storeName: string }> = ({ r, storeName }) => {
  const href = `/carts/${encodeURIComponent(r.storeId)}/${encodeURIComponent(r.cartId)}`
  const contact = [r.email ? maskEmail(r.email) : null, r.phone ? maskPhone(r.phone) : null]
  return (
    <tr>
      <td class="pick">
        <input
          type="checkbox"
          name="cart"
          value={`${r.storeId}/${r.cartId}`}
          aria-label={`Select cart ${r.cartId}`}
        />
      </td>
      <td>
        <a class="mono" href={href}>
          {r.cartId.slice(0, 12)}…
        </a>
        <div class="faint">{storeName}</div>
      </td>
      <td>
        <span class={STATUS_TONE[r.status]}>{r.status}</span>
      </td>
      <td class="num">
        {formatMoney(r.total, r.currency)}
        <div class="faint">
          {r.itemCount} item{r.itemCount === 1 ? '' : 's'}
        </div>
      </td>
      <td>
        {contact.some(Boolean) ? (
          contact.filter(Boolean).map((line) => <div>{line}</div>)
        ) : (
          <span class="faint">none</span>
        )}
      </td>
      <td>{when(r.lastActivityAt)}</td>
      <td>
        {r.stepsTotal > 0 ? (
          <>
            {r.stepsDone} of {r.stepsTotal}
            <div class="faint">
              {r.stepId ?? 'nothing sent'}
              {r.channels.length ? ` · ${r.channels.map(channelName).join(', ')}` : ''}
            </div>
          </>
        ) : (
          <span class="faint">—</span>
        )}
      </td>
    </tr>
  )
}

/** The cart list: filters, search, bulk actions, keyset pages and the CSV export. */
export const CartsPage: FC<Props> = (p) => {
  const names = new Map(p.stores.map((s) => [s.id, s.name]))
  const filtered = Object.values(p.form).some(Boolean)
  return (
    <>
      <div class="head">
        <div>
          <h1>Carts</h1>
          <p class="sub">Newest activity first. Contacts are masked; open a cart for its story.</p>
        </div>
        <a class="btn secondary" href={withQuery('/carts/export.csv', p.query)} download>
          Export CSV
        </a>
      </div>
      <Flash notice={p.notice} error={p.error} />
      <Filters stores={p.stores} form={p.form} />
      <form class="card flush" method="post" action="/carts/bulk" id="bulk">
        <input type="hidden" name="_csrf" value={p.csrf} />
        <input type="hidden" name="back" value={p.query} />
        <div class="toolbar">
          <label class="inline">
            <input type="checkbox" id="pick-all" aria-controls="carts-table" hidden />
            <span id="pick-all-label" hidden>
              Select all
            </span>
          </label>
          <label for="bulk-action" class="inline">
            With selected
          </label>
          <select id="bulk-action" name="action">
            {BULK.map(([value, label]) => (
              <option value={value}>{label}</option>
            ))}
          </select>
          <button class="btn secondary" type="submit">
            Apply
          </button>
        </div>
        {p.rows.length ? (
          <div class="scroll">
            <table id="carts-table">
              <thead>
                <tr>
                  <th class="pick">
                    <span class="skip">Select</span>
                  </th>
                  <th>Cart</th>
                  <th>Status</th>
                  <th class="num">Value</th>
                  <th>Contact</th>
                  <th>Last activity (UTC)</th>
                  <th>Sequence</th>
                </tr>
              </thead>
              <tbody>
                {p.rows.map((r) => (
                  <Row r={r} storeName={names.get(r.storeId) ?? r.storeId} />
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="empty">
            {filtered
              ? 'No carts match these filters.'
              : 'No carts yet. Carts appear here as soon as the storefront script sees one.'}
          </p>
        )}
      </form>
      <nav class="pager" aria-label="Pages">
        {p.paged ? <a href={withQuery('/carts', p.query)}>← First page</a> : <span />}
        {p.nextCursor ? (
          <a
            class="btn secondary"
            href={withQuery('/carts', p.query, `cursor=${encodeURIComponent(p.nextCursor)}`)}
          >
            Next page →
          </a>
        ) : null}
      </nav>
    </>
  )
}

/** Asks before deleting: deletion erases the carts, their messages and their threads. */
export const ConfirmDelete: FC<{ carts: string[]; back: string; csrf: string }> = (p) => (
  <div class="card narrow stack">
    <h1>
      Delete {p.carts.length} cart{p.carts.length === 1 ? '' : 's'}?
    </h1>
    <p>
      This erases the cart, its messages, its timeline and its text thread for good. Consent records
      stay (they are kept 4 years, as the law asks).
    </p>
    <form method="post" action="/carts/bulk" class="actions">
      <input type="hidden" name="_csrf" value={p.csrf} />
      <input type="hidden" name="action" value="delete" />
      <input type="hidden" name="confirm" value="yes" />
      <input type="hidden" name="back" value={p.back} />
      {p.carts.map((c) => (
        <input type="hidden" name="cart" value={c} />
      ))}
      <button class="btn danger" type="submit">
        Delete for good
      </button>
      <a class="btn secondary" href={withQuery('/carts', p.back)}>
        Cancel
      </a>
    </form>
  </div>
)
