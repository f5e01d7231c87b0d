import type { Context } from 'hono'
import { Hono } from 'hono'
import { storeById } from '../db/stores'
import { suppress } from '../db/suppressions'
import { verifyLinkToken } from '../lib/restore-token'
import { cartStub } from '../objects/cart-object'
import { NoticePage } from '../ui/pages/notice'
import { UnsubscribePage } from '../ui/pages/unsubscribe'
import type { AppEnv } from './env'

/** Unsubscribe links: GET shows a one-button page, POST (the button, or RFC 8058 one-click) acts. */
export const unsubscribe = new Hono<AppEnv>()

async function resolve(c: Context<AppEnv>) {
  const claims = await verifyLinkToken(
    c.get('config').SIGNING_SECRET,
    'unsubscribe',
    c.req.param('token') ?? '',
    Date.now(),
  )
  if (!claims.ok || (claims.step !== 'email' && claims.step !== 'sms')) return null
  const store = await storeById(c.env.DB, claims.storeId)
  const channel: 'email' | 'sms' = claims.step
  return store ? { store, cartId: claims.cartId, channel } : null
}

const invalid = (c: Context<AppEnv>) =>
  c.html(
    <NoticePage
      title="This link is not valid"
      message="Reply to the email you received and the store will take you off its list."
    />,
    400,
  )

// A GET never unsubscribes: mail scanners open links.
unsubscribe.get('/u/:token', async (c) => {
  c.header('Cache-Control', 'no-store')
  const r = await resolve(c)
  if (!r) return invalid(c)
  return c.html(<UnsubscribePage storeName={r.store.name} action={new URL(c.req.url).pathname} />)
})

unsubscribe.post('/u/:token', async (c) => {
  c.header('Cache-Control', 'no-store')
  const r = await resolve(c)
  if (!r) return invalid(c)
  const oneClick = (await c.req.text()).includes('List-Unsubscribe=One-Click')
  const source = oneClick ? 'one_click' : 'unsubscribe_link'
  const address = await cartStub(c.env.CART, {
    storeId: r.store.id,
    cartId: r.cartId,
  }).unsubscribed(r.channel, source)
  if (address)
    await suppress(c.env.DB, { storeId: r.store.id, channel: r.channel, address, source })
  return c.html(
    <NoticePage
      title="You are unsubscribed"
      message={`${r.store.name} will not email you about your cart again.`}
    />,
  )
})
