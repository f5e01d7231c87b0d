import { fakeServer, json } from './http'
import { createWooCoupon, type WooCoupon } from './woo-coupon'

const COUPONS = '/wp-json/wc/v3/coupons'

/**
 * A local stand-in for WooCommerce's REST coupons (`POST /wp-json/wc/v3/coupons`, `GET …/:id`),
 * storing what it is sent the way WooCommerce does (see woo-coupon.ts: `date_expires_gmt` is
 * dropped, `date_expires` is read at its offset or in site time).
 */
export async function fakeWooCommerce(key = 'ck_test', secret = 'cs_test') {
  const coupons = new Map<string, WooCoupon>()
  const server = await fakeServer((req, res) => {
    if (
      req.headers.authorization !== `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`
    ) {
      return json(res, 401, {
        code: 'woocommerce_rest_cannot_create',
        message: 'Sorry, you are not allowed to create resources.',
        data: { status: 401 },
      })
    }
    const one = /^\/wp-json\/wc\/v3\/coupons\/(\d+)$/.exec(req.path)
    if (req.method === 'GET' && one) {
      const found = [...coupons.values()].find((c) => c.id === Number(one[1]))
      return found
        ? json(res, 200, found)
        : json(res, 404, { code: 'woocommerce_rest_shop_coupon_invalid_id' })
    }
    if (req.method !== 'POST' || req.path !== COUPONS)
      return json(res, 404, { code: 'rest_no_route' })
    const body = JSON.parse(req.body) as Record<string, unknown> & { code: string }
    if (body.code.startsWith('DOWN'))
      return json(res, 503, { code: 'unavailable', message: 'Maintenance' })
    if (coupons.has(body.code.toLowerCase())) {
      return json(res, 400, {
        code: 'woocommerce_rest_coupon_code_already_exists',
        message: 'The coupon code already exists',
        data: { status: 400 },
      })
    }
    const coupon = createWooCoupon(coupons.size + 1, body)
    coupons.set(coupon.code, coupon)
    return json(res, 201, coupon)
  })
  return { ...server, coupons }
}
