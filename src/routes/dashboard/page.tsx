import type { Context, MiddlewareHandler } from 'hono'
import type { Child } from 'hono/jsx'
import { jsxRenderer } from 'hono/jsx-renderer'
import { NONCE, secureHeaders } from 'hono/secure-headers'
import { listStores } from '../../db/stores'
import { AppError } from '../../lib/errors'
import { ErrorPage } from '../../ui/dashboard/error'
import { Layout, type Section } from '../../ui/dashboard/layout'
import type { AppEnv } from '../env'
import { requireCsrf, requireUser } from './session'

export type PageProps = { title: string; section?: Section }

/**
 * `c.render` with the layout's props. (hono 4.13 re-exports `ContextRenderer` as a type, so the
 * documented module augmentation no longer compiles; this one typed door does the same.)
 */
export const render = (c: Context<AppEnv>, content: Child, props: PageProps) =>
  (c.render as unknown as (content: Child, props: PageProps) => Response | Promise<Response>)(
    content,
    props,
  )

const headers = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", NONCE],
    styleSrc: ["'self'", NONCE],
    imgSrc: ["'self'", 'data:', 'https:'],
    frameSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    objectSrc: ["'none'"],
  },
  crossOriginResourcePolicy: 'same-origin',
  referrerPolicy: 'no-referrer',
})

const renderer = jsxRenderer((props, c) => {
  const { children, title, section } = props as unknown as PageProps & { children?: Child }
  const user = c.get('user')
  const csrf = c.get('csrf')
  return (
    <Layout
      title={title}
      nonce={c.get('secureHeadersNonce') ?? ''}
      session={
        user && csrf ? { email: user.email, csrf, section: section ?? 'overview' } : undefined
      }
    >
      {children}
    </Layout>
  )
})

const noStore: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('page', true)
  await next()
  c.header('Cache-Control', 'no-store')
}
/** Every dashboard page: no caching, strict CSP with a nonce, the layout. */
export const page = [noStore, headers, renderer] as const

/** An error on a dashboard page, shown in the layout with its status (app.onError calls it). */
export function pageError(c: Context<AppEnv>, status: number, message: string) {
  c.status(status as 400)
  c.header('Cache-Control', 'no-store')
  return render(c, <ErrorPage status={status} message={message} />, { title: 'Not done' })
}
/** Pages behind login; their forms must carry the session's CSRF token. */
export const signedIn = [...page, requireUser(), requireCsrf()] as const

/**
 * Every store, and the one a per-store page shows: `id`'s, else the first. 404 for a store
 * that does not exist, or when there is none yet.
 */
export async function storeOf(c: Context<AppEnv>, id: string | undefined) {
  const stores = await listStores(c.env.DB)
  const store = id ? stores.find((s) => s.id === id) : stores[0]
  if (!store) {
    throw new AppError('NOT_FOUND', id ? 'There is no such store.' : 'Create a store first.')
  }
  return { stores, store }
}
