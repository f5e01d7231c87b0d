import type { Config } from '../config'
import type { ApiScope } from '../db/auth'

/** Hono environment shared by every route group. */
export type AppEnv = {
  Bindings: Env
  Variables: {
    requestId: string
    config: Config
    /** Dashboard pages: the signed-in user, their session and its CSRF token. */
    user?: { id: string; email: string }
    sessionId?: string
    csrf?: string
    /** API requests: what the bearer token may reach (set by the API's auth middleware). */
    apiScope?: ApiScope
    /** Set on dashboard pages: errors render as a page in the layout, not as JSON. */
    page?: boolean
    /** The CSP nonce for this response's inline script and style (hono/secure-headers). */
    secureHeadersNonce?: string
  }
}
