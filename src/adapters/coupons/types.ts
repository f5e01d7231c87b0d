export type Coupon = {
  code: string
  kind: 'percent' | 'fixed'
  /** Percent, or the fixed amount as a decimal string in the store's currency ("5.00"). */
  amount: string
  expiresAt: number
  /** Restrict to the shopper's email when known. */
  email: string | null
  description: string
}

export type CouponResult =
  | { ok: true; code: string; created: boolean }
  | { ok: false; retryable: boolean; code: string; message: string }

/** Issues single-use coupons in the store's shop. */
export interface CouponIssuer {
  create(
    shop: { url: string; consumerKey: string; consumerSecret: string },
    coupon: Coupon,
  ): Promise<CouponResult>
}
