import type { FC } from 'hono/jsx'

/** Picks the store a per-store page shows (only when there is more than one). */
export const StorePicker: FC<{
  action: string
  stores: { id: string; name: string }[]
  current: string
}> = ({ action, stores, current }) =>
  stores.length > 1 ? (
    <form method="get" action={action} class="filters">
      <div>
        <label for="store">Store</label>
        <select id="store" name="store">
          {stores.map((s) => (
            <option value={s.id} selected={s.id === current}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
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

/** A filter form's store field: every store, or one. */
export const StoreSelect: FC<{
  stores: { id: string; name: string }[]
  current: string | null
}> = ({ stores, current }) => (
  <div>
    <label for="store">Store</label>
    <select id="store" name="store">
      <option value="">All stores</option>
      {stores.map((s) => (
        <option value={s.id} selected={s.id === current}>
          {s.name}
        </option>
      ))}
    </select>
  </div>
)
