import type { FC } from 'hono/jsx'

/** A dashboard error, in the layout: what went wrong and a way back. */
export const ErrorPage: FC<{ status: number; message: string }> = (p) => (
  <div class="card narrow stack">
    <h1>
      {p.status === 404 ? 'Not found' : p.status >= 500 ? 'Something went wrong' : 'Not done'}
    </h1>
    <p role="alert">{p.message}</p>
    <p>
      <a href="/">Back to the overview</a>
    </p>
  </div>
)
