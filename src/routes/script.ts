import type { Context } from 'hono'
import { Hono } from 'hono'
import { SCRIPTS } from '../storefront/bundle.generated'
import type { AppEnv } from './env'

/**
 * The storefront script and its optional parts (the exit-intent popup, the restore on the
 * store, WooCommerce capture), which it loads only where needed. `?v=<version>` is immutable; the bare URL
 * revalidates every 5 minutes.
 */
export const script = new Hono<AppEnv>()

function serve(c: Context<AppEnv>, code: string, version: string) {
  const etag = `"${version}"`
  c.header('Content-Type', 'text/javascript; charset=utf-8')
  c.header('ETag', etag)
  c.header('Access-Control-Allow-Origin', '*')
  c.header('Cross-Origin-Resource-Policy', 'cross-origin')
  c.header(
    'Cache-Control',
    c.req.query('v') === version
      ? 'public, max-age=31536000, immutable'
      : 'public, max-age=300, stale-while-revalidate=86400',
  )
  if (c.req.header('if-none-match') === etag) return c.body(null, 304)
  return c.body(code)
}

script.get('/:file{cartback(?:-popup|-restore|-woo)?\\.js}', (c) => {
  const bundle = SCRIPTS[c.req.param('file')]
  if (!bundle) return c.notFound()
  return serve(c, bundle.code, bundle.version)
})
