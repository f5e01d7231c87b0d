import type { Context } from 'hono'
import { Hono } from 'hono'
import { messageRecipient } from '../db/messages'
import { type Store, storeById } from '../db/stores'
import { suppress } from '../db/suppressions'
import { cartPolicy } from '../domain/store/settings'
import { verifyLinkToken } from '../lib/restore-token'
import { cartStub } from '../objects/stubs'
import { NoticePage } from '../ui/pages/notice'
import { UnsubscribePage } from '../ui/pages/unsubscribe'
import type { AppEnv } from './env'
import { publicBase } from './links'

/** Unsubscribe links: GET shows a one-button page, POST (the button, or RFC 8058 one-click) acts. */
export const unsubscribe = new Hono<AppEnv>()

type Target = {
  store: Store
  storeId: string
  storeName: string
  cartId: string
  channel: 'email' | 'sms'
  address: string | null
}

/**
 * What a link unsubscribes: the address its message went to (the token names the message), so
 * an edited or deleted cart cannot redirect it. Tokens naming only a channel read the cart.
 */
async function resolve(c: Context<AppEnv>): Promise<Target | null> {
  const claims = await verifyLinkToken(
    c.get('config').SIGNING_SECRET,
    'unsubscribe',
    c.req.param('token') ?? '',
    Date.now(),
  )
  if (!claims.ok || !claims.step) return null
  const store = await storeById(c.env.DB, claims.storeId)
  if (!store) return null
  const base = { store, storeId: store.id, storeName: store.name, cartId: claims.cartId }
  if (claims.step.startsWith('msg_')) {
    const sent = await messageRecipient(c.env.DB, {
      id: claims.step,
      storeId: store.id,
      cartId: claims.cartId,
    })
    return sent ? { ...base, ...sent } : { ...base, channel: 'email', address: null }
  }
  if (claims.step !== 'email' && claims.step !== 'sms') return null
  return { ...base, channel: claims.step, address: null }
}

const invalid = (c: Context<AppEnv>) =>
  c.html(
    <NoticePage
      title="This link is not valid"
      message="Reply to the message you received and the store will take you off its list."
    />,
    400,
  )

const what = (channel: 'email' | 'sms') => (channel === 'email' ? 'emails' : 'texts')

// A GET never unsubscribes: mail scanners open links.
unsubscribe.get('/u/:token', async (c) => {
  c.header('Cache-Control', 'no-store')
  const t = await resolve(c)
  if (!t) return invalid(c)
  return c.html(
    <UnsubscribePage
      storeName={t.storeName}
      what={what(t.channel)}
      action={new URL(c.req.url).pathname}
    />,
  )
})

unsubscribe.post('/u/:token', async (c) => {
  c.header('Cache-Control', 'no-store')
  const t = await resolve(c)
  if (!t) return invalid(c)
  const oneClick = (await c.req.text()).includes('List-Unsubscribe=One-Click')
  const source = oneClick ? 'one_click' : 'unsubscribe_link'
  // The cart journals it (and supplies the address for tokens that do not name a message).
  const fromCart = await cartStub(c.env.CART, {
    storeId: t.storeId,
    cartId: t.cartId,
  }).unsubscribed(t.channel, source, cartPolicy(t.store, publicBase(c)))
  const address = t.address ?? fromCart
  if (!address) {
    return c.html(
      <NoticePage
        title="We could not find this address"
        message={`Reply to the message you received and ${t.storeName} will take you off its list.`}
      />,
      404,
    )
  }
  await suppress(c.env.DB, { storeId: t.storeId, channel: t.channel, address, source })
  return c.html(
    <NoticePage
      title="You are unsubscribed"
      message={`${t.storeName} will not send you ${what(t.channel)} about your cart again.`}
    />,
  )
})
