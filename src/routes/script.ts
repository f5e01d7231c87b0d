import { Hono } from 'hono'
import { CARTBACK_JS, CARTBACK_VERSION } from '../storefront/bundle.generated'
import type { AppEnv } from './env'

/** The storefront script. `?v=<version>` is immutable; the bare URL revalidates every 5 minutes. */
export const script = new Hono<AppEnv>()

script.get('/cartback.js', (c) => {
  const etag = `"${CARTBACK_VERSION}"`
  c.header('Content-Type', 'text/javascript; charset=utf-8')
  c.header('ETag', etag)
  c.header('Access-Control-Allow-Origin', '*')
  c.header('Cross-Origin-Resource-Policy', 'cross-origin')
  c.header(
    'Cache-Control',
    c.req.query('v') === CARTBACK_VERSION
      ? 'public, max-age=31536000, immutable'
      : 'public, max-age=300, stale-while-revalidate=86400',
  )
  if (c.req.header('if-none-match') === etag) return c.body(null, 304)
  return c.body(CARTBACK_JS)
})
