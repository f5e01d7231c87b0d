import type { FC } from 'hono/jsx'
import type { CartDetail } from '../../views/cart-detail'
import { Submit } from './field'
import { when } from './format'

const AUTHOR = { shopper: 'Shopper', ai: 'Assistant', merchant: 'You' } as const

/** The form's CSRF token. */
export const Hidden: FC<{ csrf: string }> = ({ csrf }) => (
  <input type="hidden" name="_csrf" value={csrf} />
)

/** One action button in its own small form (no script needed). */
export const Act: FC<{
  base: string
  csrf: string
  action: string
  label: string
  tone?: string
}> = (p) => (
  <form method="post" action={`${p.base}/act`}>
    <Hidden csrf={p.csrf} />
    <input type="hidden" name="action" value={p.action} />
    <button class={`btn ${p.tone ?? 'secondary'}`} type="submit">
      {p.label}
    </button>
  </form>
)

/** The text thread with the shopper, the reply form and the assistant's switch. */
export const Conversation: FC<{
  cart: CartDetail
  base: string
  csrf: string
  draft?: string
  nonce?: string
}> = (p) => {
  const thread = p.cart.conversation
  if (!thread) return null
  return (
    <div class="card" id="conversation">
      <div class="row-between">
        <h2>Text conversation</h2>
        {thread.state === 'needs_human' ? (
          <span class="badge warn">Needs a person: the assistant is silent</span>
        ) : (
          <span class="badge ok">The assistant answers</span>
        )}
      </div>
      {thread.turns.length ? (
        <ol class="thread">
          {thread.turns.map((t) => (
            <li class={`turn ${t.author}`}>
              <div class="who">
                {AUTHOR[t.author]}
                {t.model ? ` · ${t.model}` : ''} · {when(t.at)}
              </div>
              <div>{t.text}</div>
            </li>
          ))}
        </ol>
      ) : (
        <p class="faint">The shopper has not replied.</p>
      )}
      <form method="post" action={`${p.base}/reply`} class="stack">
        <Hidden csrf={p.csrf} />
        <input type="hidden" name="nonce" value={p.nonce ?? crypto.randomUUID()} />
        <label for="reply">Reply by hand (sent as a text from the store)</label>
        <textarea id="reply" name="text" rows={3} maxlength={1000} required>
          {p.draft ?? ''}
        </textarea>
        <Submit>Send text</Submit>
      </form>
      {thread.state === 'needs_human' ? (
        <Act
          base={p.base}
          csrf={p.csrf}
          action="resume_ai"
          label="Let the assistant answer again"
        />
      ) : null}
    </div>
  )
}
