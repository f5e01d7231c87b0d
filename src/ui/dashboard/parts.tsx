import type { FC } from 'hono/jsx'

/** Picks the store a per-store page shows (only when there is more than one). */
export const StorePicker: FC<{
  action: string
  stores: { id: string; name: string }[]
  current: string
}> = ({ action, stores, current }) =>
  stores.length > 1 ? (
    <form method="get" action={action} class="filters">
      <StoreSelect stores={stores} current={current} all={false} />
      <button class="btn secondary" type="submit">
        Open
      </button>
    </form>
  ) : null

/** What just happened (a status) and what went wrong (an alert), when there is either. */
export const Flash: FC<{ notice?: string | undefined; error?: string | undefined }> = ({
  notice,
  error,
}) => (
  <>
    {notice ? (
      <p class="notice" role="status">
        {notice}
      </p>
    ) : null}
    {error ? (
      <p class="error" role="alert">
        {error}
      </p>
    ) : null}
  </>
)

/** A form's store field: one store, or (`all`, the default) every store as well. */
export const StoreSelect: FC<{
  stores: { id: string; name: string }[]
  current: string | null
  all?: boolean
}> = ({ stores, current, all = true }) => (
  <div>
    <label for="store">Store</label>
    <select id="store" name="store">
      {all ? <option value="">All stores</option> : null}
      {stores.map((s) => (
        <option value={s.id} selected={s.id === current}>
          {s.name}
        </option>
      ))}
    </select>
  </div>
)

/**
 * A labelled select. `options` maps each value to its text, in order; the first may be
 * `'': 'Any …'`, the choice a form starts with, which needs no `selected`.
 */
export const Choice: FC<{
  name: string
  label: string
  value: string | null | undefined
  options: Record<string, string>
}> = ({ name, label, value, options }) => (
  <div>
    <label for={name}>{label}</label>
    <select id={name} name={name}>
      {Object.entries(options).map(([v, text]) => (
        <option value={v} selected={v !== '' && v === value}>
          {text}
        </option>
      ))}
    </select>
  </div>
)

/** A filter's date range: `from` and `to` (`YYYY-MM-DD`), each labelled. */
export const DateRange: FC<{ from: string; to: string; labels: readonly [string, string] }> = ({
  from,
  to,
  labels,
}) => (
  <>
    <div>
      <label for="from">{labels[0]}</label>
      <input id="from" name="from" type="date" value={from} />
    </div>
    <div>
      <label for="to">{labels[1]}</label>
      <input id="to" name="to" type="date" value={to} />
    </div>
  </>
)

/**
 * A read-only value with a Copy button (the dashboard script shows the button where the
 * clipboard works): a restore link, a connect code, a webhook secret.
 */
export const CopyRow: FC<{ id: string; value: string }> = ({ id, value }) => (
  <div class="actions">
    <input id={id} class="grow mono" readonly value={value} />
    <button class="btn secondary" type="button" data-copy={id} hidden>
      Copy
    </button>
  </div>
)

/** A {@link CopyRow} with its label. */
export const CopyField: FC<{ id: string; label: string; value: string }> = ({
  id,
  label,
  value,
}) => (
  <>
    <label for={id}>{label}</label>
    <CopyRow id={id} value={value} />
  </>
)
