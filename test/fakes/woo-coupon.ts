/**
 * WooCommerce's coupon rules, as the fakes need them. Followed from WooCommerce's own source
 * (trunk, 9.x; the email check is there since 8.6.0):
 * - REST create/update (`wc/v3/coupons`, `WC_REST_Coupons_V2_Controller::
 *   prepare_object_for_database`): each writable schema key is passed to `WC_Coupon::set_<key>`
 *   when that setter exists. `set_date_expires` exists; `set_date_expires_gmt` does not, so a
 *   `date_expires_gmt` in the body is accepted and silently dropped.
 * - `WC_Data::set_date_prop`: a number is a UTC timestamp; `YYYY-MM-DDTHH:MM:SS` followed by `Z`
 *   or `±HH:MM` is taken at that offset; with no offset, in the site's timezone. Any other string
 *   (milliseconds, a space) goes through `strtotime`, is printed as UTC and then read again as
 *   site time: off by the site's offset.
 * - Responses (`wc_rest_prepare_date_response`): `date_expires` in site time and
 *   `date_expires_gmt` in UTC, both without an offset.
 * - Store API `cart/apply-coupon` (`CartController::apply_coupon` → `WC_Discounts::
 *   is_coupon_valid`): usage limit, expiry, then `validate_coupon_allowed_emails`: the
 *   restrictions against the logged-in user's email and the cart customer's billing email,
 *   which a guest in a new browser does not have yet.
 */

/** The fake site's timezone (WordPress `gmt_offset`): not UTC, so a naive date shows. */
export const SITE_OFFSET = '+02:00'
const SITE_OFFSET_MS = 2 * 3600_000

export type WooCoupon = {
  id: number
  code: string
  amount: string
  discount_type: string
  description: string
  date_expires: string | null
  date_expires_gmt: string | null
  individual_use: boolean
  usage_limit: number | null
  usage_limit_per_user: number | null
  usage_count: number
  email_restrictions: string[]
}

const ISO_WITH_OFFSET = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(Z|[-+]\d{2}:\d{2})$/
const NAIVE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})$/

/** The instant `WC_Data::set_date_prop` stores for a value, or null for none. */
export function wooDate(value: unknown): number | null {
  if (value === null || value === undefined || value === '' || value === 0) return null
  if (typeof value === 'number' || /^\d+$/.test(String(value))) return Number(value) * 1000
  const s = String(value)
  const withOffset = ISO_WITH_OFFSET.exec(s)
  if (withOffset) return Date.parse(`${withOffset[1]}${withOffset[2]}`)
  const naive = NAIVE.exec(s)
  if (naive) return Date.parse(`${naive[1]}T${naive[2]}${SITE_OFFSET}`)
  // strtotime() reads the offset, gmdate() prints UTC, get_gmt_from_date() reads it as site time.
  const parsed = Date.parse(s)
  return Number.isNaN(parsed) ? null : parsed - SITE_OFFSET_MS
}

const gmt = (t: number) => new Date(t).toISOString().slice(0, 19)

/** A coupon as `POST /wp-json/wc/v3/coupons` stores it and answers it. */
export function createWooCoupon(id: number, body: Record<string, unknown>): WooCoupon {
  const expires = wooDate(body.date_expires)
  const limit = (v: unknown) => (typeof v === 'number' && v > 0 ? v : null)
  return {
    id,
    code: String(body.code).toLowerCase(),
    amount: String(body.amount ?? '0'),
    discount_type: String(body.discount_type ?? 'fixed_cart'),
    description: String(body.description ?? ''),
    date_expires: expires === null ? null : gmt(expires + SITE_OFFSET_MS),
    date_expires_gmt: expires === null ? null : gmt(expires),
    individual_use: body.individual_use === true,
    usage_limit: limit(body.usage_limit),
    usage_limit_per_user: limit(body.usage_limit_per_user),
    usage_count: 0,
    email_restrictions: Array.isArray(body.email_restrictions)
      ? body.email_restrictions.map((e) => String(e).toLowerCase())
      : [],
  }
}

/** Why the Store API refuses to apply the coupon for this cart, or null when it applies. */
export function applyError(
  c: WooCoupon,
  customer: { billingEmail: string | null },
  now = Date.now(),
): string | null {
  if (c.usage_limit !== null && c.usage_count >= c.usage_limit)
    return 'Coupon usage limit has been reached.'
  if (c.date_expires_gmt && now > Date.parse(`${c.date_expires_gmt}Z`))
    return 'This coupon has expired.'
  const email = customer.billingEmail?.toLowerCase()
  if (c.email_restrictions.length > 0 && !(email && c.email_restrictions.includes(email)))
    return `Sorry, it seems the coupon "${c.code}" is not yours - it has now been removed from your order.`
  return null
}
