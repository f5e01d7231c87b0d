import type { Context } from 'hono'
import { Hono } from 'hono'
import { z } from 'zod'
import { createApiToken, listApiTokens, revokeApiToken } from '../../db/auth'
import { listStores } from '../../db/stores'
import { ALL_STORES, TokensPage, type TokensPageProps } from '../../ui/dashboard/tokens'
import type { AppEnv } from '../env'
import { pageForm } from '../validation'
import { render, signedIn } from './page'

/** API tokens: create (one store or every store; read-only or read-write), list, revoke. */
export const tokenPages = new Hono<AppEnv>()

const TokenForm = z.object({
  name: z.string().trim().min(1).max(60),
  /** A store id, or ALL_STORES; there is no default, the owner picks (issue 11). */
  store: z.string().min(1).max(64),
  access: z.enum(['read', 'write']),
})

async function tokensPage(
  c: Context<AppEnv>,
  extra: Pick<TokensPageProps, 'created' | 'error' | 'values'> = {},
) {
  const [tokens, stores] = await Promise.all([listApiTokens(c.env.DB), listStores(c.env.DB)])
  return render(
    c,
    <TokensPage
      tokens={tokens}
      stores={stores.map((s) => ({ id: s.id, name: s.name }))}
      csrf={c.get('csrf') ?? ''}
      {...extra}
    />,
    { title: 'API tokens', section: 'tokens' },
  )
}

tokenPages.get('/tokens', ...signedIn, (c) => tokensPage(c))

/** The page again with the owner's input kept (a text field at most 60 characters). */
function refused(c: Context<AppEnv>, body: Record<string, unknown>) {
  c.status(400)
  const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '')
  return tokensPage(c, {
    error: 'Give the token a name of up to 60 characters, a store and an access level.',
    values: { name: text('name').slice(0, 60), store: text('store'), access: text('access') },
  })
}

const tokenForm = pageForm(TokenForm, refused)

tokenPages.post('/tokens', ...signedIn, tokenForm, async (c) => {
  const form = c.req.valid('form')
  const storeId = form.store === ALL_STORES ? null : form.store
  // A store that is not there (deleted, or a forged value) is refused like a missing one.
  const known = storeId === null || (await listStores(c.env.DB)).some((s) => s.id === storeId)
  if (!known) return refused(c, form)
  const { token } = await createApiToken(c.env.DB, {
    name: form.name,
    storeId,
    access: form.access,
  })
  return tokensPage(c, { created: token })
})

tokenPages.post('/tokens/:id/revoke', ...signedIn, async (c) => {
  await revokeApiToken(c.env.DB, c.req.param('id'))
  return c.redirect('/tokens', 303)
})
