import type { FC } from 'hono/jsx'
import type { ApiTokenView } from '../../views/tokens'
import { Flash } from './parts'

/** The store field's value for a token that reaches every store. */
export const ALL_STORES = '*'

const when = (t: number | null) =>
  t === null ? '—' : new Date(t).toISOString().slice(0, 16).replace('T', ' ')

/** Where a token reaches, as the list shows it. */
const reach = (t: ApiTokenView) =>
  t.storeId === null ? 'All stores' : (t.storeName ?? 'A deleted store (reaches nothing)')

export type TokensPageProps = {
  tokens: ApiTokenView[]
  stores: { id: string; name: string }[]
  csrf: string
  created?: string
  error?: string
  /** The refused form's values, shown again. */
  values?: { name: string; store: string; access: string }
}

/** The create form: a name, the store (no default: the owner picks) and the access level. */
const CreateForm: FC<Pick<TokensPageProps, 'stores' | 'csrf' | 'values'>> = ({
  stores,
  csrf,
  values,
}) => (
  <form method="post" action="/tokens" class="filters">
    <input type="hidden" name="_csrf" value={csrf} />
    <div>
      <label for="name">Name</label>
      <input
        id="name"
        name="name"
        required
        maxlength={60}
        placeholder="Zapier export"
        value={values?.name ?? ''}
      />
    </div>
    <div>
      <label for="token-store">Store</label>
      <select id="token-store" name="store" required>
        <option value="">Choose a store…</option>
        <option value={ALL_STORES} selected={values?.store === ALL_STORES}>
          All stores
        </option>
        {stores.map((s) => (
          <option value={s.id} selected={values?.store === s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </div>
    <div>
      <label for="access">Access</label>
      <select id="access" name="access">
        <option value="read">Read-only</option>
        <option value="write" selected={values?.access === 'write'}>
          Read-write
        </option>
      </select>
    </div>
    <button class="btn" type="submit">
      Create token
    </button>
  </form>
)

const TokenRow: FC<{ t: ApiTokenView; csrf: string }> = ({ t, csrf }) => (
  <tr>
    <td>{t.name}</td>
    <td>
      <code>{t.prefix}…</code>
    </td>
    <td>{reach(t)}</td>
    <td>
      {t.access === 'write' ? (
        <span class="badge warn">read-write</span>
      ) : (
        <span class="badge info">read-only</span>
      )}
    </td>
    <td>{when(t.createdAt)}</td>
    <td>{when(t.lastUsedAt)}</td>
    <td>
      {t.revokedAt ? (
        <span class="badge muted">revoked</span>
      ) : (
        <span class="badge ok">active</span>
      )}
    </td>
    <td>
      {t.revokedAt ? null : (
        <form method="post" action={`/tokens/${t.id}/revoke`}>
          <input type="hidden" name="_csrf" value={csrf} />
          <button class="btn danger" type="submit" aria-label={`Revoke ${t.name}`}>
            Revoke
          </button>
        </form>
      )}
    </td>
  </tr>
)

/** API tokens: create (shown once), list with each token's scope, revoke. */
export const TokensPage: FC<TokensPageProps> = ({
  tokens,
  stores,
  csrf,
  created,
  error,
  values,
}) => (
  <>
    <div class="head">
      <div>
        <h1>API tokens</h1>
        <p class="sub">
          Bearer tokens for <code>/api/v1</code>, each for one store or all stores, read-only or
          read-write. Only a hash is kept: copy a new token now.
        </p>
      </div>
    </div>
    {created ? (
      <div class="notice" role="status">
        New token (shown once): <code id="new-token">{created}</code>
      </div>
    ) : null}
    <Flash error={error} />
    <div class="card stack">
      <CreateForm stores={stores} csrf={csrf} values={values} />
      {tokens.length ? (
        <div class="scroll">
          <table id="tokens">
            <thead>
              <tr>
                <th>Name</th>
                <th>Token</th>
                <th>Store</th>
                <th>Access</th>
                <th>Created (UTC)</th>
                <th>Last used</th>
                <th>Status</th>
                <th>
                  <span class="skip">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <TokenRow t={t} csrf={csrf} />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="empty">
          No tokens yet. The deployment's ADMIN_API_TOKEN always works, for every store.
        </p>
      )}
    </div>
  </>
)
