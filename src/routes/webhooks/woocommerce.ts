import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import { latestCartForContact } from '../../db/orders'
import { recordUnmatchedOrder } from '../../db/projection'
import { type Store, storeById } from '../../db/stores'
import type { CartState, OrderReport } from '../../domain/cart/types'
import { cartPolicy } from '../../domain/store/settings'
import { normalizeEmail, normalizePhone } from '../../lib/contact'
import { AppError } from '../../lib/errors'
import { verifyBase64Signature } from '../../lib/hmac'
import { decimalToMinor } from '../../lib/money'
import { currencyCode } from '../../lib/schemas'
import type { Billing, TakeResult } from '../../objects/cart-object'
import type { ClaimRequest } from '../../objects/stubs'
import { cartStub, orderStub } from '../../objects/stubs'
import type { AppEnv } from '../env'
import { publicBase } from '../links'
import { CART_ID } from '../schemas/beacon'
import { describeIssues, parseJsonText } from '../validation'
import { recordOrderConsent } from './woocommerce-consent'

export const woocommerce = new Hono<AppEnv>()

const PAID = new Set(['processing', 'completed'])
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string such as "49.90"')

/** The parts of a WooCommerce REST v3 order we read. Everything else is ignored. */
const WooOrder = z.object({
  id: z.number().int().positive(),
  status: z.string().min(1).max(40),
  currency: currencyCode,
  total: decimal,
  date_created_gmt: z.string().nullish(),
  date_paid_gmt: z.string().nullish(),
  date_modified_gmt: z.string().nullish(),
  billing: z
    .object({ email: z.string().nullish(), phone: z.string().nullish() })
    .partial()
    .nullish(),
  meta_data: z.array(z.object({ key: z.string(), value: z.unknown() }).loose()).nullish(),
  refunds: z.array(z.object({ total: decimal }).loose()).nullish(),
})

woocommerce.post(
  '/:storeId',
  bodyLimit({
    maxSize: 1024 * 1024,
    onError: () => {
      throw new AppError('PAYLOAD_TOO_LARGE', 'The webhook body is larger than 1 MiB.')
    },
  }),
  async (c) => {
    const store = await storeById(c.env.DB, c.req.param('storeId'))
    if (!store) throw new AppError('NOT_FOUND', 'Unknown store.')
    const raw = new Uint8Array(await c.req.arrayBuffer())
    const signature = c.req.header('x-wc-webhook-signature')
    const text = new TextDecoder().decode(raw)
    // WooCommerce pings a new webhook's URL once, unsigned, with `webhook_id=N`.
    if (!signature && /^webhook_id=\d+$/.test(text.trim())) return c.json({ ok: true, ping: true })
    if (!(await verifyBase64Signature(store.woocommerceWebhookSecret, raw, signature))) {
      throw new AppError('UNAUTHORIZED', 'Invalid or missing X-WC-Webhook-Signature.')
    }
    const topic = c.req.header('x-wc-webhook-topic') ?? 'order.updated'
    if (!/^order\.(created|updated|restored)$/.test(topic)) {
      return c.json({ ok: true, ignored: topic })
    }
    const parsed = WooOrder.safeParse(parseJsonText(text))
    if (!parsed.success) {
      throw new AppError('BAD_REQUEST', `Invalid order: ${describeIssues(parsed.error)}`)
    }
    const order = toReport(parsed.data)
    const take: Take = (cartId, claim, billing) =>
      cartStub(c.env.CART, { storeId: store.id, cartId }).takeOrder(
        { storeId: store.id, cartId },
        order,
        cartPolicy(store, publicBase(c)),
        claim,
        billing,
      )
    const taken = await matchCart(c.env, store, parsed.data, order, take)
    if (taken) await undoDisplaced(c.env, store.id, order.id, taken)
    else await recordUnmatchedOrder(c.env.DB, store.id, order)
    // After the order counts: a failure here is answered 503 and the redelivery, which changes
    // nothing of the order, records the consent (once).
    await recordOrderConsent(
      c.env,
      store,
      { id: order.id, meta: parsed.data.meta_data, billingPhone: parsed.data.billing?.phone },
      taken?.cart ?? metaCart(parsed.data),
      publicBase(c),
    ).catch((err: unknown) => {
      throw unavailable(err)
    })
    if (taken)
      return c.json({ ok: true, matched: true, cart: taken.cart, status: taken.state.status })
    return c.json({ ok: true, matched: false })
  },
)

function toReport(o: z.infer<typeof WooOrder>): OrderReport {
  const total = decimalToMinor(o.total, o.currency)
  if (total === null || total < 0) {
    throw new AppError(
      'BAD_REQUEST',
      `Invalid order: total "${o.total}" is not an amount in ${o.currency}.`,
    )
  }
  let refunded = 0
  for (const r of o.refunds ?? []) {
    const amount = decimalToMinor(r.total, o.currency)
    if (amount === null)
      throw new AppError('BAD_REQUEST', 'Invalid order: a refund total is not an amount.')
    refunded += Math.abs(amount)
  }
  if (o.status === 'refunded') refunded = total
  return {
    id: String(o.id),
    status: o.status,
    // A fully refunded order is no longer paid; a free order (total 0) still is.
    paid: PAID.has(o.status) && (total === 0 || refunded < total),
    total,
    refunded: Math.min(refunded, total),
    currency: o.currency,
    source: 'webhook',
    placedAt: gmt(o.date_paid_gmt) ?? gmt(o.date_created_gmt) ?? Date.now(),
    modifiedAt: gmt(o.date_modified_gmt),
  }
}

/** WooCommerce writes GMT times without a zone suffix: "2026-11-20T10:00:00". */
function gmt(value: string | null | undefined): number | null {
  if (!value) return null
  const ms = Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`)
  return Number.isFinite(ms) ? ms : null
}

type Take = (
  cartId: string,
  claim?: Pick<ClaimRequest, 'named' | 'over'>,
  billing?: Billing,
) => Promise<TakeResult>
type Taken = { cart: string; state: CartState; displaced: string[] }

/**
 * Undoes the storefront's report of the order on each cart it was taken from, then tells the
 * order's claim so. Until then the claim hands those carts out again with every claim of the
 * holder, so a failure here (answered 5xx) is finished by a redelivery or the next update.
 */
async function undoDisplaced(env: Env, storeId: string, orderId: string, taken: Taken) {
  if (taken.displaced.length === 0) return
  for (const cartId of taken.displaced) {
    await cartStub(env.CART, { storeId, cartId }).orderMoved(orderId, taken.cart)
  }
  await orderStub(env.ORDER, { storeId, orderId }).ack(taken.displaced)
}

/**
 * The cart that takes this order. A webhook claim stands (updates, refunds and cancellations
 * land on the cart that counted the order), and so does a storefront claim unless the
 * `_cartback_cart` meta names another cart that takes the order: anyone with the public key can
 * beacon an order id. Without meta, a storefront claim stands only for a cart whose contact is
 * the order's billing email or phone; else the billing contact's cart takes it over, and with
 * none the order is unmatched. Unclaimed, the order goes to the meta's cart, else the contact's
 * latest. A holder that refuses the order (it holds another, it never existed, it is not the
 * billing contact's) gives way to the meta or the contact; an erased one keeps it, so no other
 * cart is credited with it. Null: unmatched.
 */
async function matchCart(
  env: Env,
  store: Store,
  o: z.infer<typeof WooOrder>,
  order: OrderReport,
  take: Take,
): Promise<Taken | null> {
  const ref = { storeId: store.id, orderId: order.id }
  const meta = metaCart(o)
  const email = o.billing?.email ? normalizeEmail(o.billing.email) : null
  const phone = o.billing?.phone
    ? normalizePhone(o.billing.phone, store.settings.defaultCountry)
    : null
  // Without meta, the billing contact is the webhook's only word on whose order this is: a
  // storefront claim (anyone's beacon) must match it.
  const billing = meta ? undefined : { email, phone }
  const held = await orderStub(env.ORDER, ref)
    .holder(ref)
    .catch((err: unknown) => {
      throw unavailable(err)
    })
  /** A holder found refusing the order: its claim gives way to the next cart that takes it. */
  let over: string | undefined
  const attempt = async (
    cart: string,
    claim: Pick<ClaimRequest, 'named' | 'over'> = {},
    check?: Billing,
  ) => {
    const r = await take(cart, over ? { ...claim, over } : claim, check)
    if (r.taken) return { ok: { cart, state: r.state, displaced: r.displaced } }
    if (r.reason === 'unavailable') throw unavailable()
    if (r.reason === 'claimed' && r.holder) {
      // Another cart claimed it since `held` was read: that cart has the order now.
      const again = await take(r.holder, {}, billing)
      if (again.taken)
        return { ok: { cart: r.holder, state: again.state, displaced: again.displaced } }
    }
    return { erased: r.reason === 'erased' }
  }
  const stands = held && (held.by === 'webhook' || !meta || held.cart === meta) ? held.cart : null
  if (held && stands) {
    const check = held.by === 'storefront' ? billing : undefined
    const r = await attempt(stands, { named: stands === meta }, check)
    if (r.ok || r.erased) return r.ok ?? null
    over = stands
  }
  if (meta && meta !== stands) {
    const r = await attempt(meta, { named: true })
    if (r.ok) return r.ok
  }
  if (held && !stands) {
    // The meta's cart did not take the order: the storefront's claim stands after all.
    const r = await attempt(held.cart)
    if (r.ok || r.erased) return r.ok ?? null
    over = held.cart
  }
  const since = order.placedAt - store.settings.attributionWindowSeconds * 1000
  const contact = await latestCartForContact(env.DB, store.id, { email, phone }, since)
  if (!contact || contact === over || contact === meta) return null
  // Without meta, the billing contact's cart outranks a storefront claim, as the meta's would.
  return (await attempt(contact, { named: !meta })).ok ?? null
}

/** The cart the order's `_cartback_cart` meta names, if it is a cart id. */
function metaCart(o: z.infer<typeof WooOrder>): string | null {
  const value = o.meta_data?.find((m) => m.key === '_cartback_cart')?.value
  return typeof value === 'string' && CART_ID.test(value) ? value : null
}

/** The order's claim could not be reached (D1 or the object failed): 503, so WooCommerce retries. */
function unavailable(cause?: unknown): AppError {
  return new AppError('PROVIDER_UNAVAILABLE', 'The order could not be matched now; retry.', {
    cause,
  })
}
