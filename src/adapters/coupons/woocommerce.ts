import { callSignal, isRetryableStatus, type ProviderCallOptions } from '../types'
import type { CouponIssuer } from './types'

/**
 * Creates coupons through WooCommerce's REST API (POST /wp-json/wc/v3/coupons, Basic auth with
 * the store's consumer key and secret). The code is derived from the send's key, so a retry
 * asks for the same code and "already exists" counts as created: one coupon per send, ever;
 * so a timed-out call is simply retried. The coupon has no email restriction: see
 * docs/design/coupons.md.
 */
export function wooCoupons(opts: ProviderCallOptions = {}): CouponIssuer {
  return {
    async create(shop, coupon) {
      const base = shop.url.replace(/\/$/, '')
      // WooCommerce takes REST keys by Basic auth over HTTPS only; over plain HTTP the keys would
      // travel in clear text for nothing. Loopback (a local shop, the tests' stand-in) is exempt.
      if (!secureOrLoopback(base)) {
        return {
          ok: false,
          retryable: false,
          code: 'https_required',
          message: 'WooCommerce grants REST API keys over HTTPS only; the store URL is not https.',
        }
      }
      const auth = `Basic ${btoa(`${shop.consumerKey}:${shop.consumerSecret}`)}`
      const signal = callSignal(opts)
      let res: Response
      let body: { code?: string; message?: string } | null
      try {
        res = await fetch(`${base}/wp-json/wc/v3/coupons`, {
          method: 'POST',
          headers: { Authorization: auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({
            code: coupon.code,
            discount_type: coupon.kind === 'percent' ? 'percent' : 'fixed_cart',
            amount: coupon.amount,
            date_expires: wooDateTime(coupon.expiresAt),
            individual_use: true,
            usage_limit: 1,
            usage_limit_per_user: 1,
            description: coupon.description,
          }),
          signal,
        })
        body = (await res.json().catch(() => null)) as typeof body
      } catch (err) {
        return signal.aborted
          ? { ok: false, retryable: true, code: 'timeout', message: 'The shop did not answer' }
          : { ok: false, retryable: true, code: 'network_error', message: String(err) }
      }
      if (res.ok) return { ok: true, code: coupon.code, created: true }
      if (body?.code === 'woocommerce_rest_coupon_code_already_exists') {
        return { ok: true, code: coupon.code, created: false }
      }
      return {
        ok: false,
        retryable: isRetryableStatus(res.status),
        code: body?.code ?? `http_${res.status}`,
        message: body?.message ?? res.statusText,
      }
    },
  }
}

/**
 * An instant as WooCommerce's `date_expires` takes it. The controller ignores `date_expires_gmt`
 * (WC_Coupon has no setter for it), and `WC_Data::set_date_prop` reads `YYYY-MM-DDTHH:MM:SSZ` as
 * UTC but a string without an offset, or with milliseconds, in the site's timezone.
 * @example wooDateTime(Date.UTC(2026, 11, 1)) // '2026-12-01T00:00:00Z'
 */
export function wooDateTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19)}Z`
}

/** True for an https URL, or an http one on this machine (127.0.0.1, localhost, [::1]). */
function secureOrLoopback(url: string): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (u.protocol === 'https:') return true
  return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)
}
