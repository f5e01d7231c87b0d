import type { FC } from 'hono/jsx'

/** A plain page for shoppers: no redirect, no script, nothing but the message. */
export const NoticePage: FC<{ title: string; message: string }> = ({ title, message }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{title}</title>
      <style>{`body{font:16px/1.5 system-ui,sans-serif;color:#1f2937;background:#f9fafb;margin:0;display:grid;place-items:center;min-height:100vh}main{max-width:28rem;padding:2rem;background:#fff;border:1px solid #e5e7eb;border-radius:12px}h1{font-size:1.25rem;margin:0 0 .5rem}p{margin:0;color:#4b5563}`}</style>
    </head>
    <body>
      <main>
        <h1>{title}</h1>
        <p>{message}</p>
      </main>
    </body>
  </html>
)
