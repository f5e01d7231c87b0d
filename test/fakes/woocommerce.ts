import { fakeServer, json } from './http'

/** A local stand-in for WooCommerce's POST /wp-json/wc/v3/coupons, keeping what it created. */
export async function fakeWooCommerce(key = 'ck_test', secret = 'cs_test') {
  const coupons = new Map<string, Record<string, unknown>>()
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
    if (req.method !== 'POST' || req.path !== '/wp-json/wc/v3/coupons')
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
    coupons.set(body.code.toLowerCase(), body)
    return json(res, 201, { id: coupons.size, ...body })
  })
  return { ...server, coupons }
}
