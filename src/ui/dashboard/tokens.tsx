import type { FC } from 'hono/jsx'
import type { ApiTokenView } from '../../db/auth'
import { Flash } from './parts'

const when = (t: number | null) =>
  t === null ? '—' : new Date(t).toISOString().slice(0, 16).replace('T', ' ')

/** API tokens: create (shown once), list, revoke. */
export const TokensPage: FC<{
  tokens: ApiTokenView[]
  csrf: string
  created?: string
  error?: string
}> = ({ tokens, csrf, created, error }) => (
  <>
    <div class="head">
      <div>
        <h1>API tokens</h1>
        <p class="sub">
          Bearer tokens for <code>/api/v1</code>. Only a hash is kept: copy a new token now.
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
      <form method="post" action="/tokens" class="filters">
        <input type="hidden" name="_csrf" value={csrf} />
        <div>
          <label for="name">Name</label>
          <input id="name" name="name" required maxlength={60} placeholder="Zapier export" />
        </div>
        <button class="btn" type="submit">
          Create token
        </button>
      </form>
      {tokens.length ? (
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Token</th>
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
              <tr>
                <td>{t.name}</td>
                <td>
                  <code>{t.prefix}…</code>
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
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">No tokens yet. The deployment's ADMIN_API_TOKEN always works.</p>
      )}
    </div>
  </>
)
