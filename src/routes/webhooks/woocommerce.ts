import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import { recordUnmatchedOrder } from '../../db/projection'
import { latestCartForContact } from '../../db/queries'
import { type Store, storeById } from '../../db/stores'
import type { OrderReport } from '../../domain/cart/types'
import { cartPolicy } from '../../domain/store/settings'
import { normalizeEmail, normalizePhone } from '../../lib/contact'
import { AppError } from '../../lib/errors'
import { verifyBase64Signature } from '../../lib/hmac'
import { decimalToMinor } from '../../lib/money'
import { currencyCode } from '../../lib/schemas'
import { cartStub } from '../../objects/cart-object'
import { orderStub } from '../../objects/order-object'
import type { AppEnv } from '../env'
import { publicBase } from '../links'
import { CART_ID } from '../schemas/beacon'
import { describeIssues, parseJsonText } from '../validation'

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
    const cartId = await matchCart(c.env, store, parsed.data, order)
    if (cartId) {
      const result = await cartStub(c.env.CART, { storeId: store.id, cartId }).reportOrder(
        order,
        cartPolicy(store, publicBase(c)),
      )
      if (result && !result.refused) {
        return c.json({ ok: true, matched: true, cart: cartId, status: result.state.status })
      }
    }
    await recordUnmatchedOrder(c.env.DB, store.id, order)
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

/**
 * The cart that holds this order: the first to claim it keeps it (a storefront beacon, or an
 * earlier delivery of this webhook). An unclaimed order goes to the cart named by the
 * `_cartback_cart` meta, else to the contact's latest cart.
 */
async function matchCart(
  env: Env,
  store: Store,
  o: z.infer<typeof WooOrder>,
  order: OrderReport,
): Promise<string | null> {
  const ref = { storeId: store.id, orderId: order.id }
  const claims = orderStub(env.ORDER, ref)
  const meta = o.meta_data?.find((m) => m.key === '_cartback_cart')?.value
  if (typeof meta === 'string' && CART_ID.test(meta)) return claims.claim(ref, meta)
  const held = await claims.claim(ref, null)
  if (held) return held
  const email = o.billing?.email ? normalizeEmail(o.billing.email) : null
  const phone = o.billing?.phone
    ? normalizePhone(o.billing.phone, store.settings.defaultCountry)
    : null
  const since = order.placedAt - store.settings.attributionWindowSeconds * 1000
  const contact = await latestCartForContact(env.DB, store.id, { email, phone }, since)
  // Claimed, not just taken: a beacon may have claimed the order since the lookup above.
  return contact ? claims.claim(ref, contact) : null
}
