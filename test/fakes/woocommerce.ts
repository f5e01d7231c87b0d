import { fakeServer, json } from './http'
import { type WooCoupon, type WooRestMode, wooCouponsRest } from './woo-coupon'

/**
 * A local stand-in for WooCommerce's REST coupons (`wc/v3/coupons`: POST, GET `?code=`,
 * GET/PUT `/<id>`), storing what it is sent the way WooCommerce does (woo-coupon.ts:
 * `date_expires_gmt` is dropped, `date_expires` is read at its offset or in site time). `mode`
 * can be changed by a test: a shop whose plugin drops the expiry, or one that hangs on a method.
 * A code starting with `DOWN` gets a 503, as a shop in maintenance.
 */
export async function fakeWooCommerce(key = 'ck_test', secret = 'cs_test') {
  const coupons = new Map<string, WooCoupon>()
  const mode: WooRestMode = { expiry: 'stored', hangOn: null }
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
    if (req.method === 'POST' && /"code":"DOWN/.test(req.body))
      return json(res, 503, { code: 'unavailable', message: 'Maintenance' })
    const answer = wooCouponsRest(coupons, req, mode)
    if (answer === 'hang') return
    if (!answer) return json(res, 404, { code: 'rest_no_route' })
    return json(res, answer.status, answer.body)
  })
  return { ...server, coupons, mode }
}
