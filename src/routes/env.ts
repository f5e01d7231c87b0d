import type { Config } from '../config'

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
    /** Set on dashboard pages: errors render as a page in the layout, not as JSON. */
    page?: boolean
    /** The CSP nonce for this response's inline script and style (hono/secure-headers). */
    secureHeadersNonce?: string
  }
}
