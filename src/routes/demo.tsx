import { zValidator } from '@hono/zod-validator'
import { Hono, type MiddlewareHandler } from 'hono'
import { csrf } from 'hono/csrf'
import { z } from 'zod'
import { channelModes } from '../config'
import { listMessages } from '../db/messages'
import { listStores, storeById } from '../db/stores'
import { contactPolicy } from '../domain/store/settings'
import { disclosure } from '../domain/store/storefront'
import { normalizePhone } from '../lib/contact'
import { AppError } from '../lib/errors'
import { contactStub } from '../objects/stubs'
import { DEMO_PRODUCTS, productSvg } from '../ui/demo/catalog'
import { SHOP_SCRIPT } from '../ui/demo/shop-script'
import { DemoOutboxPage } from '../ui/pages/demo-outbox'
import { DemoShopPage } from '../ui/pages/demo-shop'
import type { AppEnv } from './env'
import { publicBase } from './links'
import { refuse } from './validation'

/** Dev-only demo storefront (`npm start`): a few products and a checkout that post real events. */
export const demo = new Hono<AppEnv>()

demo.use(async (c, next) => {
  if (c.get('config').APP_ENV !== 'development') throw new AppError('NOT_FOUND', 'No such route.')
  await next()
})

demo.get('/', async (c) => {
  const self = `${new URL(c.req.url).origin}/demo`
  const store = (await listStores(c.env.DB)).find((s) => s.url === self)
  if (!store) {
    throw new AppError(
      'NOT_FOUND',
      `No store has the URL ${self}; run npm start to create the demo store.`,
    )
  }
  return c.html(
    <DemoShopPage
      storeName={store.name}
      config={{
        key: store.publishableKey,
        currency: store.currency,
        // The store's own disclosure, as the script's checkbox and popup show it.
        disclosure: disclosure(store),
        products: DEMO_PRODUCTS.map(({ id, name, price }) => ({ id, name, price })),
      }}
      inactivitySeconds={store.settings.inactivitySeconds}
    />,
  )
})

// Every message of the local deployment, newest first (the dev outbox, provider "outbox").
demo.get('/outbox', async (c) => {
  // Only what went to the dev outbox: with real provider keys in .dev.vars (and a tunnel in
  // front), real shoppers' messages must not be listed on an unauthenticated page.
  const messages = await listMessages(c.env.DB, { storeIds: null, provider: 'outbox', limit: 50 })
  return c.html(<DemoOutboxPage messages={messages} />)
})

// The outbox's "reply as the shopper": a text from the demo phone, into the same contact object
// the Twilio webhook feeds (no signature: development only), then back to the outbox.
const DemoReply = z.object({
  store: z.string().min(1).max(64),
  phone: z.string().min(3).max(40),
  text: z.string().trim().min(1).max(1600),
})

/** Only while texts go to the dev outbox: with Twilio, the shopper replies from the phone. */
const textsInOutbox: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (channelModes(c.get('config')).sms !== 'outbox')
    throw new AppError('NOT_FOUND', 'Texts go through Twilio here: reply from the phone.')
  await next()
}
const validReply = zValidator('form', DemoReply, refuse('A store, a phone and a text are needed.'))

// The outbox's own form only (hono/csrf: same-origin Sec-Fetch-Site or Origin): another site
// cannot post a forged YES or STOP here.
demo.post('/reply', csrf(), textsInOutbox, validReply, async (c) => {
  const reply = c.req.valid('form')
  const store = await storeById(c.env.DB, reply.store)
  if (!store) throw new AppError('NOT_FOUND', 'No such store.')
  const phone = normalizePhone(reply.phone, store.settings.defaultCountry)
  if (!phone) throw new AppError('BAD_REQUEST', 'Not a phone number.')
  const ref = { storeId: store.id, channel: 'sms' as const, address: phone }
  const sid = `SM${crypto.randomUUID().replaceAll('-', '')}`
  await contactStub(c.env.CONTACT, ref).receive(
    ref,
    { sid, body: reply.text, at: Date.now() },
    contactPolicy(store, publicBase(c)),
  )
  return c.redirect('/demo/outbox', 303)
})

demo.get('/shop.js', (c) => {
  c.header('Content-Type', 'text/javascript; charset=utf-8')
  return c.body(SHOP_SCRIPT)
})

demo.get('/img/:file', (c) => {
  const id = c.req.param('file').replace(/\.svg$/, '')
  const product = DEMO_PRODUCTS.find((p) => p.id === id)
  if (!product) throw new AppError('NOT_FOUND', 'No such image.')
  c.header('Content-Type', 'image/svg+xml')
  c.header('Cache-Control', 'public, max-age=3600')
  return c.body(productSvg(product.color, product.name))
})
