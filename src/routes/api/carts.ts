import { zValidator } from '@hono/zod-validator'
import type { Context, MiddlewareHandler } from 'hono'
import { Hono } from 'hono'
import { z } from 'zod'
import { listCarts } from '../../db/carts'
import { CART_STATUSES } from '../../domain/cart/schema'
import { AppError } from '../../lib/errors'
import { summaryOf } from '../../views/cart-detail'
import { cartsCsv, csvHeaders } from '../carts/csv'
import { decodeCursor, encodeCursor } from '../carts/cursor'
import * as ops from '../carts/ops'
import type { AppEnv } from '../env'
import { invalid, jsonOnly, parseOrThrow } from '../validation'
import { assertStoreVisible, scopeOf } from './scope'

export const carts = new Hono<AppEnv>()

const ListQuery = z.object({
  store: z.string().max(64).optional(),
  status: z.enum(CART_STATUSES).optional(),
  q: z.string().trim().min(1).max(320).optional(),
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  channel: z.enum(['email', 'sms']).optional(),
  hasContact: z.enum(['true', 'false']).optional(),
  cursor: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

/** The list's filter from its query (shared by the list and the CSV export). */
async function filterOf(c: Context<AppEnv>, q: z.output<typeof ListQuery>) {
  const store = await scopeOf(c, q.store)
  // Phones typed without a country code read in the store's region when one store is named.
  const search = q.q ? ops.searchOf(q.q, store?.settings.defaultCountry ?? 'US') : undefined
  return {
    storeIds: store ? [store.id] : null,
    ...(q.status ? { status: q.status } : {}),
    ...(q.from ? { from: Date.parse(q.from) } : {}),
    ...(q.to ? { to: Date.parse(q.to) } : {}),
    ...(q.channel ? { channel: q.channel } : {}),
    ...(q.hasContact ? { hasContact: q.hasContact === 'true' } : {}),
    ...(search ? { search } : {}),
  }
}

carts.get('/', zValidator('query', ListQuery, invalid), async (c) => {
  const q = c.req.valid('query')
  const page = await listCarts(c.env.DB, {
    ...(await filterOf(c, q)),
    ...(q.cursor ? { cursor: decodeCursor(q.cursor) } : {}),
    limit: q.limit,
  })
  return c.json({ carts: page.carts, nextCursor: page.next ? encodeCursor(page.next) : null })
})

// Every cart the filter matches, as CSV (streamed; formula-looking text defused).
carts.get('/export.csv', zValidator('query', ListQuery, invalid), async (c) => {
  const filter = await filterOf(c, c.req.valid('query'))
  return c.body(cartsCsv(c.env.DB, filter), 200, csvHeaders('carts.csv'))
})

const named = (c: Context<AppEnv>) => {
  const storeId = c.req.param('storeId') ?? ''
  assertStoreVisible(c, storeId)
  return ops.resolveCart(c, storeId, c.req.param('cartId') ?? '')
}

carts.get('/:storeId/:cartId', async (c) => {
  const { store, cartId } = await named(c)
  const detail = await ops.cartDetail(c, store, cartId)
  if (!detail) throw new AppError('NOT_FOUND', 'No such cart.')
  return c.json(detail)
})

const Action = z
  .object({
    action: z.enum(['archive', 'ignore', 'unignore', 'delete', 'mark_recovered', 'resume_ai']),
  })
  .strict()

/** Checks the optional `Idempotency-Key` header before the body is read. */
const idempotencyKey: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('idempotency-key')
  if (header !== undefined) parseOrThrow(ops.ReplyKeySchema, header, 'Idempotency-Key')
  await next()
}

const ReplyBody = z.object({ text: z.string().trim().min(1).max(1000) }).strict()

// The merchant answers the shopper by hand: sent as a text, kept in the thread as `merchant`.
// An `Idempotency-Key` makes a retry of the same request (after a 5xx) never send twice.
carts.post(
  '/:storeId/:cartId/reply',
  idempotencyKey,
  jsonOnly,
  zValidator('json', ReplyBody, invalid),
  async (c) => {
    const { text } = c.req.valid('json')
    const requestKey = c.req.header('idempotency-key')
    const { store, cartId } = await named(c)
    const contact = await ops.replyByHand(c, store, cartId, text, requestKey)
    return c.json({ ok: true, cartId, conversation: await contact.conversation(cartId) })
  },
)

carts.post(
  '/:storeId/:cartId/actions',
  jsonOnly,
  zValidator('json', Action, invalid),
  async (c) => {
    const { action } = c.req.valid('json')
    const { store, cartId } = await named(c)
    if (action === 'resume_ai') {
      const { contact } = await ops.phoneContact(c, store, cartId)
      await contact.resumeAi()
      return c.json({ ok: true, cartId, conversation: await contact.conversation(cartId) })
    }
    if (action === 'delete') {
      if ((await ops.deleteCart(c.env, store, cartId)) !== 'erased')
        throw new AppError('NOT_FOUND', 'No such cart.')
      return c.json({ ok: true, deleted: true, storeId: store.id, cartId })
    }
    return c.json(summaryOf(await ops.actOnCart(c, store, cartId, action)))
  },
)
