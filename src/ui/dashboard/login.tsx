import type { FC } from 'hono/jsx'

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
        <div class="field">
          <label for="email">Email</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="username"
            required
            value={email ?? ''}
          />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
          />
        </div>
        <button class="btn" type="submit">
          Log in
        </button>
      </form>
    </div>
  </div>
)
