import type { Child, FC } from 'hono/jsx'
import { Submit } from '../field'
import type { SettingsProps } from './props'

/** One settings section: its own form, its own save button, its own errors. */
export const Section: FC<{
  id: string
  title: string
  p: SettingsProps
  intro?: string
  children: Child
}> = ({ id, title, p, intro, children }) => (
  <section class="card" id={id} aria-labelledby={`${id}-title`}>
    <h2 id={`${id}-title`}>{title}</h2>
    {intro ? <p class="faint">{intro}</p> : null}
    <form
      method="post"
      action={`/settings/${encodeURIComponent(p.store.id)}#${id}`}
      class="stack"
      novalidate
    >
      <input type="hidden" name="_csrf" value={p.csrf} />
      <input type="hidden" name="section" value={id} />
      {p.section === id && Object.keys(p.errors).length ? (
        <p class="error" role="alert">
          Nothing was saved: fix the fields marked below.
        </p>
      ) : null}
      {children}
      <Submit>Save {title.toLowerCase()}</Submit>
    </form>
  </section>
)
