import type { FC } from 'hono/jsx'
import type { MessageView } from '../../views/cart'

const CSS = `*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,sans-serif;color:#111827;background:#f8fafc}
header{background:#111827;color:#fff;padding:14px 24px;display:flex;justify-content:space-between;align-items:center}
header a{color:#c7d2fe}main{max-width:1000px;margin:0 auto;padding:24px}
article{background:#fff;border:1px solid #e5e7eb;border-radius:12px;margin:0 0 20px;overflow:hidden}
.meta{padding:12px 16px;border-bottom:1px solid #f3f4f6;display:flex;gap:12px;flex-wrap:wrap;align-items:baseline}
.badge{font-size:12px;padding:2px 8px;border-radius:999px;background:#eef2ff;color:#3730a3}.muted{color:#6b7280;font-size:13px}
iframe{width:100%;height:780px;border:0;display:block;background:#f3f4f6}
.sms{padding:16px}.bubble{max-width:360px;white-space:pre-wrap;background:#e5e7eb;border-radius:16px 16px 16px 4px;padding:10px 14px}
.empty{padding:40px;text-align:center;color:#6b7280}
.reply{display:flex;gap:8px;align-items:center;margin-top:12px;flex-wrap:wrap}.reply label{font-size:13px;color:#4b5563}
.reply input{flex:1;min-width:200px;padding:8px 10px;border:1px solid #d1d5db;border-radius:8px;font:inherit}
.reply button{font:inherit;border:0;border-radius:8px;padding:8px 14px;background:#4f46e5;color:#fff;cursor:pointer}`

// Reloads every 10 s, unless the developer is typing a reply.
const REFRESH = `setInterval(() => {
  const busy = [...document.querySelectorAll('input[name=text]')].some((i) => i.value || i === document.activeElement)
  if (!busy) location.reload()
}, 10000)`

/** The dev outbox: every message exactly as the shopper would get it (email in a sandboxed frame). */
export const DemoOutboxPage: FC<{ messages: MessageView[] }> = ({ messages }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>Dev outbox · Cartback</title>
      <style>{CSS}</style>
    </head>
    <body>
      <header>
        <strong>Dev outbox</strong>
        <span>
          <a href="/demo">Demo storefront</a> · refreshes every 10 s
        </span>
      </header>
      <main>
        {messages.length === 0 ? (
          <p class="empty">Nothing sent yet. Leave a cart on the demo storefront for a minute.</p>
        ) : (
          messages.map((m) => (
            <article>
              <div class="meta">
                <span class="badge">{m.channel === 'email' ? 'Email' : 'Text'}</span>
                <strong>{m.subject ?? m.to}</strong>
                <span class="muted">
                  to {m.to} · step {m.step} · {m.status} ·{' '}
                  {new Date(m.createdAt).toLocaleString('en-US', { timeZone: 'UTC' })} UTC
                </span>
              </div>
              {m.channel === 'email' && m.html ? (
                <iframe sandbox="" srcdoc={m.html} title={`Email: ${m.subject ?? ''}`} />
              ) : (
                <div class="sms">
                  <div class="bubble">{m.text}</div>
                  {/* Stands in for the shopper's phone: the text goes to the same contact object
                      the Twilio webhook feeds, minus the signature (development only). */}
                  <form class="reply" method="post" action="/demo/reply">
                    <input type="hidden" name="store" value={m.storeId} />
                    <input type="hidden" name="phone" value={m.to} />
                    <label for={`reply-${m.id}`}>Reply as the shopper</label>
                    <input id={`reply-${m.id}`} name="text" maxlength={1600} required />
                    <button type="submit">Send</button>
                  </form>
                </div>
              )}
            </article>
          ))
        )}
      </main>
      {/* A constant written here, no data in it. */}
      <script dangerouslySetInnerHTML={{ __html: REFRESH }} />
    </body>
  </html>
)
