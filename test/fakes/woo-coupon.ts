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
 *   `date_expires_gmt` in UTC, both without an offset; `usage_limit` 0 is answered as null.
 * - Routes (`WC_REST_Coupons_V2_Controller::register_routes`, `WC_REST_CRUD_Controller`; v3
 *   only overrides `prepare_objects_query`): POST creates (201, the coupon); GET `?code=` lists
 *   the published coupon `wc_get_coupon_id_by_code` finds (200, an array: empty when none);
 *   GET `/<id>` reads one (404 for an unknown id); PUT `/<id>` sets the fields it is sent
 *   through the same setters as a create (200, the coupon; 400 for an unknown id). A field sent
 *   as null is left alone (`! is_null( $value )`).
 * - `woocommerce_rest_pre_insert_shop_coupon_object` lets any plugin change the coupon before it
 *   is saved; `WooRestMode.expiry` plays a plugin (or a shop) that drops the expiry there.
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
  const blank: WooCoupon = {
    id,
    code: '',
    amount: '0',
    discount_type: 'fixed_cart',
    description: '',
    date_expires: null,
    date_expires_gmt: null,
    individual_use: false,
    usage_limit: null,
    usage_limit_per_user: null,
    usage_count: 0,
    email_restrictions: [],
  }
  return setWooFields(blank, body)
}

/** The coupon after `WC_Coupon::set_<key>` for each non-null key of a REST body. */
export function setWooFields(c: WooCoupon, body: Record<string, unknown>): WooCoupon {
  const has = (k: string) => body[k] !== undefined && body[k] !== null
  const limit = (v: unknown) => (Number(v) > 0 ? Math.floor(Number(v)) : null)
  const out = { ...c }
  if (has('code')) out.code = String(body.code).toLowerCase()
  if (has('amount')) out.amount = String(body.amount)
  if (has('discount_type')) out.discount_type = String(body.discount_type)
  if (has('description')) out.description = String(body.description)
  if (has('date_expires')) {
    const expires = wooDate(body.date_expires)
    out.date_expires = expires === null ? null : gmt(expires + SITE_OFFSET_MS)
    out.date_expires_gmt = expires === null ? null : gmt(expires)
  }
  if (has('individual_use')) out.individual_use = body.individual_use === true
  if (has('usage_limit')) out.usage_limit = limit(body.usage_limit)
  if (has('usage_limit_per_user')) out.usage_limit_per_user = limit(body.usage_limit_per_user)
  if (has('email_restrictions') && Array.isArray(body.email_restrictions))
    out.email_restrictions = body.email_restrictions.map((e) => String(e).toLowerCase())
  return out
}

/**
 * How the fake shop treats a coupon's expiry: `stored` as WooCommerce does; `dropped_on_create`
 * as a plugin filtering new coupons (an update keeps it); `never_stored` on create and update.
 * `hangOn`: a method the shop takes and never answers.
 */
export type WooRestMode = {
  expiry: 'stored' | 'dropped_on_create' | 'never_stored'
  hangOn: 'POST' | 'GET' | 'PUT' | null
}

const COUPONS = '/wc/v3/coupons'
const dropExpiry = (c: WooCoupon): WooCoupon => ({
  ...c,
  date_expires: null,
  date_expires_gmt: null,
})

/**
 * WooCommerce's REST coupon routes (authenticated already) over `coupons`, keyed by code.
 * Returns the answer, `'hang'` for no answer, or null when the path is not a coupon route.
 */
export function wooCouponsRest(
  coupons: Map<string, WooCoupon>,
  req: { method: string; path: string; body: string },
  mode: WooRestMode,
): { status: number; body: unknown } | 'hang' | null {
  const url = new URL(req.path, 'http://x')
  // WordPress routes `<site path>/wp-json/<route>` (pretty permalinks) and `?rest_route=<route>`.
  const pretty = url.pathname.indexOf('/wp-json/')
  const route = url.searchParams.has('rest_route')
    ? (url.searchParams.get('rest_route') ?? '')
    : pretty >= 0
      ? url.pathname.slice(pretty + '/wp-json'.length)
      : ''
  const one = /^\/wc\/v3\/coupons\/(\d+)$/.exec(route)
  if (route !== COUPONS && !one) return null
  if (req.method === mode.hangOn) return 'hang'
  const byId = one ? [...coupons.values()].find((c) => c.id === Number(one[1])) : undefined
  const invalidId = (status: number) => ({
    status,
    body: {
      code: 'woocommerce_rest_shop_coupon_invalid_id',
      message: 'Invalid ID.',
      data: { status },
    },
  })
  const exists = {
    status: 400,
    body: {
      code: 'woocommerce_rest_coupon_code_already_exists',
      message: 'The coupon code already exists',
      data: { status: 400 },
    },
  }
  if (req.method === 'GET' && one) return byId ? { status: 200, body: byId } : invalidId(404)
  if (req.method === 'GET') {
    const found = coupons.get((url.searchParams.get('code') ?? '').toLowerCase())
    return {
      status: 200,
      body: url.searchParams.has('code') ? (found ? [found] : []) : [...coupons.values()],
    }
  }
  const body = JSON.parse(req.body || '{}') as Record<string, unknown>
  if (req.method === 'POST' && !one) {
    let coupon = createWooCoupon(coupons.size + 1, body)
    if (coupons.has(coupon.code)) return exists
    if (mode.expiry !== 'stored') coupon = dropExpiry(coupon)
    coupons.set(coupon.code, coupon)
    return { status: 201, body: coupon }
  }
  if ((req.method === 'PUT' || req.method === 'POST') && one) {
    if (!byId) return invalidId(400)
    let coupon = setWooFields(byId, body)
    const other = coupons.get(coupon.code)
    if (other && other.id !== byId.id) return exists
    if (mode.expiry === 'never_stored') coupon = dropExpiry(coupon)
    coupons.delete(byId.code)
    coupons.set(coupon.code, coupon)
    return { status: 200, body: coupon }
  }
  return { status: 404, body: { code: 'rest_no_route', message: 'No route was found.' } }
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
