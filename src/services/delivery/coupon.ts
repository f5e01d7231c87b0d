import type { CouponIssuer } from '../../adapters/coupons/types'
import { pluginConnection } from '../../db/connect'
import { woocommerceKeys } from '../../db/stores'
import type { CartState } from '../../domain/cart/types'
import type { MessageInput } from '../../domain/message/compose'
import type { Step } from '../../domain/sequence/steps'
import { log } from '../../lib/log'
import { currencyExponent } from '../../lib/money'
import { couponCode } from './codes'

/** A coupon made, or why not (and whether trying again may help). */
export type CouponOutcome =
  | { ok: true; incentive: NonNullable<MessageInput['incentive']> }
  | { ok: false; retryable: boolean; reason: string }

/**
 * Creates the single-use coupon a step promises, through the store's WooCommerce API: percent
 * or fixed, expiring after the step's validity. Not tied to the shopper's email, which a restore
 * in a new browser cannot give WooCommerce (docs/design/coupons.md).
 */
export async function issueCoupon(input: {
  db: D1Database
  secret: string
  coupons: CouponIssuer
  cart: CartState
  /** A sequence step, or any other offer with an id (the SMS assistant's `sms-reply`). */
  step: Pick<Step, 'id' | 'incentive'>
  key: string
  now: number
  storeCurrency: string
}): Promise<CouponOutcome | null> {
  const { db, secret, coupons, cart: s, step, key, now, storeCurrency } = input
  if (!step.incentive) return null
  const shop = await woocommerceKeys(db, s.storeId, secret)
  if (shop.status === 'not_set')
    return { ok: false, retryable: false, reason: 'incentive_unavailable' }
  // Sealed under a previous SIGNING_SECRET: the merchant must enter the keys again.
  if (shop.status === 'unreadable') {
    log('warn', 'woocommerce keys unreadable', { storeId: s.storeId })
    return { ok: false, retryable: false, reason: 'incentive_keys_unreadable' }
  }
  const code = await couponCode(secret, key)
  const i = step.incentive
  // A fixed amount is in the store's currency: a cart's (beacon-set) currency must not scale it.
  const exp = currencyExponent(storeCurrency)
  const amount = i.kind === 'percent' ? String(i.amount) : (i.amount / 10 ** exp).toFixed(exp)
  // A connected plugin reported the site's REST root (`?rest_route=/` on plain permalinks).
  const restRoot = (await pluginConnection(db, s.storeId))?.restRoot
  const result = await coupons.create(restRoot ? { ...shop, restRoot } : shop, {
    code,
    kind: i.kind,
    amount,
    expiresAt: now + i.validForSeconds * 1000,
    description: `Cartback: cart ${s.cartId}, step ${step.id}`,
  })
  if (!result.ok)
    return { ok: false, retryable: result.retryable, reason: `incentive_failed:${result.code}` }
  // The shop changed what it was sent (a plugin, or an older Cartback's coupon): worth knowing.
  if (result.repaired)
    log('warn', 'woocommerce coupon repaired', {
      storeId: s.storeId,
      cartId: s.cartId,
      step: step.id,
    })
  return { ok: true, incentive: { kind: i.kind, amount: i.amount, code, currency: storeCurrency } }
}
