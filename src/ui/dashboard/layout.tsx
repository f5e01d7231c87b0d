import type { Child, FC } from 'hono/jsx'
import { DASHBOARD_JS } from './script'
import { DASHBOARD_CSS } from './styles'

export type Section =
  | 'overview'
  | 'carts'
  | 'sequences'
  | 'experiments'
  | 'settings'
  | 'outbox'
  | 'tokens'

// The pages built so far; carts, sequences, settings and the outbox join as they land.
const NAV: [Section, string, string][] = [
  ['overview', 'Overview', '/'],
  ['carts', 'Carts', '/carts'],
  ['sequences', 'Sequence', '/sequences'],
  ['experiments', 'Experiments', '/experiments'],
  ['settings', 'Settings', '/settings'],
  ['outbox', 'Outbox', '/outbox'],
  ['tokens', 'API tokens', '/tokens'],
]

type Props = {
  title: string
  nonce: string
  children?: Child
  /** Signed-in pages: the navigation, the user and the logout form. */
  session?: { email: string; csrf: string; section: Section }
}

/** The dashboard page frame: one stylesheet with the CSP nonce, navigation, a skip link. */
export const Layout: FC<Props> = ({ title, nonce, children, session }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{`${title} · Cartback`}</title>
      {/* A constant: raw, so that JSX escaping leaves `>` and quotes in selectors alone. */}
      <style nonce={nonce} dangerouslySetInnerHTML={{ __html: DASHBOARD_CSS }} />
    </head>
    <body>
      <a class="skip" href="#main">
        Skip to content
      </a>
      {session ? (
        <header class="top">
          <a class="brand" href="/">
            Cartback
          </a>
          <nav aria-label="Main">
            {NAV.map(([key, label, href]) => (
              <a href={href} aria-current={key === session.section ? 'page' : undefined}>
                {label}
              </a>
            ))}
          </nav>
          <span class="who">{session.email}</span>
          <form method="post" action="/logout">
            <input type="hidden" name="_csrf" value={session.csrf} />
            <button class="linkish" type="submit">
              Log out
            </button>
          </form>
        </header>
      ) : null}
      <main id="main">{children}</main>
      <script nonce={nonce} dangerouslySetInnerHTML={{ __html: DASHBOARD_JS }} />
    </body>
  </html>
)
