import type { FC } from 'hono/jsx'

/** Asks before unsubscribing: a plain form that POSTs, so nothing happens on a mere visit. */
export const UnsubscribePage: FC<{ storeName: string; what: string; action: string }> = ({
  storeName,
  what,
  action,
}) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>Unsubscribe · {storeName}</title>
      <style>{`body{font:16px/1.5 system-ui,sans-serif;color:#1f2937;background:#f9fafb;margin:0;display:grid;place-items:center;min-height:100vh}main{max-width:28rem;padding:2rem;background:#fff;border:1px solid #e5e7eb;border-radius:12px}h1{font-size:1.25rem;margin:0 0 .5rem}p{margin:0 0 1rem;color:#4b5563}button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:8px;background:#111827;color:#fff;cursor:pointer}`}</style>
    </head>
    <body>
      <main>
        <h1>Unsubscribe from {storeName}?</h1>
        <p>
          You will get no more {what} about your cart from {storeName}.
        </p>
        <form method="post" action={action}>
          <input type="hidden" name="List-Unsubscribe" value="One-Click" />
          <button type="submit">Unsubscribe</button>
        </form>
      </main>
    </body>
  </html>
)
