import type { FC } from 'hono/jsx'

/** The two fields; the browser's password manager knows them by their `autocomplete`. */
const FIELDS = [
  { name: 'email', label: 'Email', autocomplete: 'username' },
  { name: 'password', label: 'Password', autocomplete: 'current-password' },
] as const

/** The login form. `error` is shown above it; the email typed is kept. */
export const LoginPage: FC<{ csrf: string; next: string; email?: string; error?: string }> = ({
  csrf,
  next,
  email,
  error,
}) => (
  <div class="login">
    <div class="card">
      <h1>Log in to Cartback</h1>
      <p class="sub">The owner account of this deployment.</p>
      <form method="post" action="/login" class="stack">
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="next" value={next} />
        {FIELDS.map((f) => (
          <div class="field">
            <label for={f.name}>{f.label}</label>
            <input
              id={f.name}
              name={f.name}
              type={f.name}
              autocomplete={f.autocomplete}
              required
              value={f.name === 'email' ? (email ?? '') : undefined}
            />
          </div>
        ))}
        <button class="btn" type="submit">
          Log in
        </button>
      </form>
    </div>
  </div>
)
