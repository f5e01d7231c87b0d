import { type Context, Hono } from 'hono'
import { z } from 'zod'
import { type CartFilter, listCarts } from '../../db/carts'
import { listStores, type Store, storeById } from '../../db/stores'
import { CART_STATUSES } from '../../domain/cart/schema'
import { AppError } from '../../lib/errors'
import { CartPage } from '../../ui/dashboard/cart'
import { type CartFilterForm, CartsPage, ConfirmDelete } from '../../ui/dashboard/carts'
import { cartsCsv, csvHeaders } from '../carts/csv'
import { decodeCursor, encodeCursor } from '../carts/cursor'
import * as ops from '../carts/ops'
import type { AppEnv } from '../env'
import { CartIdSchema } from '../schemas/beacon'
import { pageForm } from '../validation'
import { render, signedIn } from './page'

/** Dashboard: the cart list, its bulk actions and its CSV export. */
export const cartPages = new Hono<AppEnv>()

const blank = <T extends z.ZodType>(schema: T) => schema.or(z.literal('')).default('')

const FilterQuery = z.object({
  store: z.string().max(64).default(''),
  status: blank(z.enum(CART_STATUSES)),
  channel: blank(z.enum(['email', 'sms'])),
  contact: blank(z.enum(['yes', 'no'])),
  from: blank(z.iso.date()),
  to: blank(z.iso.date()),
  q: z.string().trim().max(320).default(''),
})

const EMPTY: CartFilterForm = {
  store: '',
  status: '',
  channel: '',
  contact: '',
  from: '',
  to: '',
  q: '',
}

const DAY = 86_400_000

/** The form's query string: only the fields in use, in a stable order. */
const queryOf = (form: CartFilterForm) =>
  new URLSearchParams(Object.entries(form).filter(([, v]) => v !== '')).toString()

/** The filter a query string asks for, or the reason it is not one (shown on the page). */
async function readFilter(c: Context<AppEnv>, params: Record<string, string>) {
  const parsed = FilterQuery.safeParse(params)
  if (!parsed.success) {
    return { form: EMPTY, error: 'That filter is not valid: check the dates and try again.' }
  }
  const form = parsed.data as CartFilterForm
  let store: Store | null = null
  if (form.store) {
    store = await storeById(c.env.DB, form.store)
    if (!store) return { form: { ...form, store: '' }, error: 'There is no such store.' }
  }
  if (form.from && form.to && form.from > form.to) {
    return { form, error: 'The start date is after the end date.' }
  }
  const filter: Omit<CartFilter, 'cursor' | 'limit'> = {
    storeIds: store ? [store.id] : null,
    ...(form.status ? { status: form.status as CartFilter['status'] } : {}),
    ...(form.from ? { from: Date.parse(form.from) } : {}),
    // `to` is a whole day, included.
    ...(form.to ? { to: Date.parse(form.to) + DAY } : {}),
    ...(form.channel ? { channel: form.channel as 'email' | 'sms' } : {}),
    ...(form.contact ? { hasContact: form.contact === 'yes' } : {}),
    ...(form.q ? { search: ops.searchOf(form.q, store?.settings.defaultCountry ?? 'US') } : {}),
  }
  return { form, filter }
}

const PAGE_SIZE = 50

/** The list page for a query string; `extra` carries a notice or an error and its status. */
async function listPage(
  c: Context<AppEnv>,
  params: Record<string, string>,
  extra: { notice?: string; error?: string; status?: 400 } = {},
) {
  const [stores, read] = await Promise.all([listStores(c.env.DB), readFilter(c, params)])
  let rows: Awaited<ReturnType<typeof listCarts>> = { carts: [], next: null }
  let error = extra.error
  if (read.filter) {
    const cursor = params.cursor ? decodeCursor(params.cursor) : undefined
    rows = await listCarts(c.env.DB, {
      ...read.filter,
      ...(cursor ? { cursor } : {}),
      limit: PAGE_SIZE,
    })
  } else error ??= read.error
  if (extra.status || !read.filter) c.status(400)
  return render(
    c,
    <CartsPage
      stores={stores.map((s) => ({ id: s.id, name: s.name }))}
      form={read.form}
      rows={rows.carts}
      query={queryOf(read.form)}
      nextCursor={rows.next ? encodeCursor(rows.next) : null}
      paged={Boolean(params.cursor)}
      csrf={c.get('csrf') ?? ''}
      {...(extra.notice ? { notice: extra.notice } : {})}
      {...(error ? { error } : {})}
    />,
    { title: 'Carts', section: 'carts' },
  )
}

const DONE: Record<string, string> = {
  archive: 'archived',
  ignore: 'ignored',
  delete: 'deleted',
}

cartPages.get('/carts', ...signedIn, async (c) => {
  const params = c.req.query()
  const n = Number(params.n ?? 0)
  const skipped = Number(params.skipped ?? 0)
  const done = params.done ? DONE[params.done] : undefined
  const notice =
    done && Number.isSafeInteger(n)
      ? `${n} cart${n === 1 ? '' : 's'} ${done}.${skipped > 0 ? ` ${skipped} could not be (see each cart).` : ''}`
      : undefined
  return listPage(c, params, notice ? { notice } : {})
})

cartPages.get('/carts/export.csv', ...signedIn, async (c) => {
  const read = await readFilter(c, c.req.query())
  if (!read.filter) throw new AppError('BAD_REQUEST', read.error)
  const name = `carts-${new Date().toISOString().slice(0, 10)}.csv`
  return c.body(cartsCsv(c.env.DB, read.filter), 200, csvHeaders(name))
})

const Selected = z
  .string()
  .max(200)
  .transform((v) => {
    // `storeId/cartId`; without a slash the store is empty and the check below refuses it.
    const slash = Math.max(0, v.indexOf('/'))
    return { storeId: v.slice(0, slash), cartId: v.slice(slash + 1) }
  })
  .refine(
    (v) =>
      v.storeId.length > 0 && v.storeId.length < 64 && CartIdSchema.safeParse(v.cartId).success,
  )

const Bulk = z.object({
  action: z.enum(['archive', 'ignore', 'delete']),
  // One ticked cart is a string, several an array; none at all is the empty list.
  cart: z.preprocess((v) => (v === undefined ? [] : [v].flat()), z.array(Selected).min(1).max(200)),
  confirm: z.literal('yes').optional(),
  back: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().max(2000)),
})

/** The list the bulk form came from (its filter, re-read from `back`), as query parameters. */
const paramsOf = (back: unknown) =>
  Object.fromEntries(new URLSearchParams(typeof back === 'string' ? back : ''))

const bulkForm = pageForm(Bulk, (c, { cart, back }) => {
  const n = cart === undefined ? 0 : [cart].flat().length
  const error =
    n === 0
      ? 'Select at least one cart first.'
      : n > 200
        ? 'Select at most 200 carts at a time.'
        : 'That request was not valid.'
  return listPage(c, paramsOf(back), { error, status: 400 })
})

cartPages.post('/carts/bulk', ...signedIn, bulkForm, async (c) => {
  const { action, confirm, cart, back } = c.req.valid('form')
  // A clean query string to go back to (the filter is re-read, never trusted as a URL).
  const query = queryOf((await readFilter(c, paramsOf(back))).form)
  if (action === 'delete' && confirm !== 'yes') {
    return render(
      c,
      <ConfirmDelete
        carts={cart.map(({ storeId, cartId }) => `${storeId}/${cartId}`)}
        back={query}
        csrf={c.get('csrf') ?? ''}
      />,
      { title: 'Delete carts', section: 'carts' },
    )
  }
  // The stores read once, not once per cart: a bulk action stays well inside a request's
  // subrequest budget (each cart is then one or two object calls and one D1 batch).
  const stores = new Map((await listStores(c.env.DB)).map((s) => [s.id, s]))
  const results = await Promise.allSettled(
    cart.map(async ({ storeId, cartId }) => {
      const store = stores.get(storeId)
      if (!store) throw new AppError('NOT_FOUND', 'No such store.')
      if (action === 'delete') {
        if ((await ops.deleteCart(c.env, store, cartId)) !== 'erased')
          throw new AppError('NOT_FOUND', 'gone')
      } else await ops.actOnCart(c, store, cartId, action)
    }),
  )
  const ok = results.filter((r) => r.status === 'fulfilled').length
  const tail = `done=${action}&n=${ok}&skipped=${results.length - ok}`
  return c.redirect(`/carts?${query ? `${query}&` : ''}${tail}`, 303)
})

const ACTED: Record<string, string> = {
  archive: 'Archived: no more messages go to this cart.',
  ignore: 'Ignored: no more messages go to this cart.',
  unignore: 'No longer ignored.',
  mark_recovered: 'Marked recovered.',
  resume_ai: 'The assistant answers this shopper again.',
  replied: 'Text sent.',
}

/** The detail page of the cart a path names (404 page when there is none). */
async function cartPage(
  c: Context<AppEnv>,
  extra: { notice?: string; error?: string; draft?: string; nonce?: string } = {},
) {
  const { store, cartId } = await ops.resolveCart(
    c,
    c.req.param('storeId') ?? '',
    c.req.param('cartId') ?? '',
  )
  const detail = await ops.cartDetail(c, store, cartId)
  if (!detail) throw new AppError('NOT_FOUND', 'There is no such cart (it may have been deleted).')
  return render(
    c,
    <CartPage cart={detail} storeName={store.name} csrf={c.get('csrf') ?? ''} {...extra} />,
    { title: `Cart ${cartId.slice(0, 12)}`, section: 'carts' },
  )
}

const detailPath = (storeId: string, cartId: string) =>
  `/carts/${encodeURIComponent(storeId)}/${encodeURIComponent(cartId)}`

cartPages.get('/carts/:storeId/:cartId', ...signedIn, async (c) => {
  const done = c.req.query('done')
  return cartPage(c, done && ACTED[done] ? { notice: ACTED[done] } : {})
})

const Act = z.object({
  action: z.enum(['archive', 'ignore', 'unignore', 'mark_recovered', 'resume_ai']),
})

const actForm = pageForm(Act, (c) => {
  c.status(400)
  return cartPage(c, { error: 'That is not an action a cart has.' })
})

cartPages.post('/carts/:storeId/:cartId/act', ...signedIn, actForm, async (c) => {
  const { action } = c.req.valid('form')
  const { store, cartId } = await ops.resolveCart(c, c.req.param('storeId'), c.req.param('cartId'))
  try {
    if (action === 'resume_ai') await (await ops.phoneContact(c, store, cartId)).contact.resumeAi()
    else await ops.actOnCart(c, store, cartId, action)
  } catch (err) {
    // The machine's refusal (already archived…) or no phone: said on the page, nothing changed.
    if (!(err instanceof AppError) || err.status === 404) throw err
    c.status(err.status as 409)
    return cartPage(c, { error: err.message })
  }
  return c.redirect(`${detailPath(store.id, cartId)}?done=${action}`, 303)
})

// The form carries a one-time nonce: submitted again (a reload, a second click, after an
// error), it never sends a second text. The page shown after an error keeps the same nonce.
const Reply = z.object({
  text: z.string().trim().min(1).max(1000),
  nonce: ops.ReplyKeySchema,
})

const replyForm = pageForm(Reply, (c, { text }, issues) => {
  const nonceBad = issues.some((i) => i.path[0] === 'nonce')
  c.status(400)
  return cartPage(c, {
    error: nonceBad
      ? 'That form was not valid; send it again.'
      : 'Write a reply of 1 to 1,000 characters.',
    draft: typeof text === 'string' ? text.trim().slice(0, 1000) : '',
  })
})

cartPages.post('/carts/:storeId/:cartId/reply', ...signedIn, replyForm, async (c) => {
  const { text, nonce } = c.req.valid('form')
  const { store, cartId } = await ops.resolveCart(c, c.req.param('storeId'), c.req.param('cartId'))
  try {
    await ops.replyByHand(c, store, cartId, text, nonce)
  } catch (err) {
    if (!(err instanceof AppError) || err.status === 404) throw err
    c.status(err.status as 409)
    return cartPage(c, { error: err.message, draft: text, nonce })
  }
  return c.redirect(`${detailPath(store.id, cartId)}?done=replied#conversation`, 303)
})
