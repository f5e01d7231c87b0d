import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { listMessages, TEST_SEND_CART } from '../../db/messages'
import type { AppEnv } from '../env'
import { CartIdSchema } from '../schemas/beacon'
import { invalid } from '../validation'
import { scopeOf } from './scope'

export const messages = new Hono<AppEnv>()

const MessagesQuery = z.object({
  store: z.string().max(64).optional(),
  /** A cart, or `test:send` for the sequence editor's test sends. */
  cart: CartIdSchema.or(z.literal(TEST_SEND_CART)).optional(),
  channel: z.enum(['email', 'sms']).optional(),
  provider: z.enum(['resend', 'twilio', 'outbox']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

// Every message sent, newest first; locally the dev outbox (provider "outbox") shows here.
messages.get('/', zValidator('query', MessagesQuery, invalid), async (c) => {
  const q = c.req.valid('query')
  const store = await scopeOf(c, q.store)
  return c.json({
    messages: await listMessages(c.env.DB, {
      storeIds: store ? [store.id] : null,
      ...(q.cart ? { cartId: q.cart } : {}),
      ...(q.channel ? { channel: q.channel } : {}),
      ...(q.provider ? { provider: q.provider } : {}),
      limit: q.limit,
    }),
  })
})
