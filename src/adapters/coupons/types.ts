export type Coupon = {
  code: string
  kind: 'percent' | 'fixed'
  /** Percent, or the fixed amount as a decimal string in the store's currency ("5.00"). */
  amount: string
  /** When the coupon stops applying (epoch ms). */
  expiresAt: number
  description: string
}

export type CouponResult =
  /**
   * `created`: false when the code already existed (a retry). `repaired`: the shop had not kept
   * the expiry, usage limit or email restriction as asked, and an update fixed it.
   */
  | { ok: true; code: string; created: boolean; repaired?: true }
  | { ok: false; retryable: boolean; code: string; message: string }

/**
 * Issues single-use, expiring coupons in the store's shop. Not tied to the shopper's email: a
 * restore in a browser that does not know it yet must still apply the code
 * (docs/design/coupons.md).
 */
export interface CouponIssuer {
  create(
    /**
     * `restRoot`: the WordPress REST root the plugin reported (`…/wp-json/` or
     * `…/?rest_route=/`); without it, `/wp-json/` below `url`.
     */
    shop: { url: string; restRoot?: string; consumerKey: string; consumerSecret: string },
    coupon: Coupon,
  ): Promise<CouponResult>
}
