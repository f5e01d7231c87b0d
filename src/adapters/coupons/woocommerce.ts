import { callSignal, isRetryableStatus, type ProviderCallOptions } from '../types'
import type { Coupon, CouponIssuer, CouponResult } from './types'

const COUPONS = 'wc/v3/coupons'
const ALREADY_EXISTS = 'woocommerce_rest_coupon_code_already_exists'
/** How far the stored expiry may be from the asked one (seconds are dropped on the way). */
const EXPIRY_SLACK_MS = 60_000

type Failure = Extract<CouponResult, { ok: false }>
type Answer = { ok: true; status: number; statusText: string; body: unknown }
/** A REST call by route below the REST root (`wc/v3/coupons/12`), with query parameters. */
type Rest = (
  method: string,
  route: string,
  opts?: { query?: Record<string, string>; body?: unknown },
) => Promise<Answer | Failure>

/** The properties of a stored coupon that Cartback's promise depends on. */
type Stored = {
  id: number
  expiresGmt: string | null
  usageLimit: number | null
  emailRestrictions: string[] | null
}

/**
 * Creates coupons through WooCommerce's REST API (POST `wc/v3/coupons` below the REST root the
 * plugin reported, else the store URL's `/wp-json/`; Basic auth with the store's consumer key and
 * secret), then checks what the shop stored: the expiry, a usage
 * limit of 1 and no email restriction. A shop that changed them (a plugin filtering coupon
 * fields, an older Cartback's coupon found by "already exists") is repaired with a PUT; if the
 * shop still does not keep them, the result is a permanent failure, so no discount without an
 * expiry is ever promised. The code is derived from the send's key, so a retry asks for the
 * same code and "already exists" finds and checks that coupon: one coupon per send, ever; so a
 * timed-out call is simply retried. See docs/design/coupons.md.
 */
export function wooCoupons(opts: ProviderCallOptions = {}): CouponIssuer {
  return {
    async create(shop, coupon) {
      const root = shop.restRoot ?? `${shop.url.replace(/\/$/, '')}/wp-json/`
      // WooCommerce takes REST keys by Basic auth over HTTPS only; over plain HTTP the keys would
      // travel in clear text for nothing. Loopback (a local shop, the tests' stand-in) is exempt.
      if (!secureOrLoopback(root)) {
        return {
          ok: false,
          retryable: false,
          code: 'https_required',
          message: 'WooCommerce grants REST API keys over HTTPS only; the store URL is not https.',
        }
      }
      const rest = wooRest(root, shop, opts)
      const posted = await rest('POST', COUPONS, {
        body: {
          code: coupon.code,
          discount_type: coupon.kind === 'percent' ? 'percent' : 'fixed_cart',
          amount: coupon.amount,
          date_expires: wooDateTime(coupon.expiresAt),
          individual_use: true,
          usage_limit: 1,
          usage_limit_per_user: 1,
          description: coupon.description,
        },
      })
      if (!posted.ok) return posted
      const created = posted.status < 300
      if (!created && errorCode(posted.body) !== ALREADY_EXISTS) return httpFailure(posted)
      // A created coupon is answered in full; an existing one (or an answer we cannot read) is
      // read back by its code.
      const stored = (created && parseStored(posted.body)) || (await findByCode(rest, coupon.code))
      if ('ok' in stored) return stored
      const held = await ensureHeld(rest, stored, coupon)
      if (!held.ok) return held
      return { ok: true, code: coupon.code, created, ...(held.repaired ? { repaired: true } : {}) }
    },
  }
}

/**
 * The URL of a route below a WordPress REST root, in either form the site reports: `…/wp-json/`
 * (pretty permalinks: the route is a path below it) or `…/?rest_route=/` (plain permalinks: the
 * route goes in `rest_route`). Query parameters are added with the URL API, so `?code=` is a
 * second parameter in the plain form, not a second `?`.
 * @example restUrl('https://s.example/?rest_route=/', 'wc/v3/coupons', { code: 'A' })
 * // 'https://s.example/?rest_route=%2Fwc%2Fv3%2Fcoupons&code=A'
 */
export function restUrl(root: string, route: string, query: Record<string, string> = {}): string {
  const u = new URL(root)
  const plain = u.searchParams.get('rest_route')
  if (plain !== null) u.searchParams.set('rest_route', `${plain.replace(/\/$/, '')}/${route}`)
  else u.pathname = `${u.pathname.replace(/\/$/, '')}/${route}`
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v)
  return u.toString()
}

/** One REST call with its own timeout; an HTTP answer of any status, or a network failure. */
function wooRest(
  root: string,
  shop: { consumerKey: string; consumerSecret: string },
  opts: ProviderCallOptions,
): Rest {
  const auth = `Basic ${btoa(`${shop.consumerKey}:${shop.consumerSecret}`)}`
  return async (method, route, { query, body } = {}) => {
    const signal = callSignal(opts)
    try {
      const res = await fetch(restUrl(root, route, query), {
        method,
        headers: {
          Authorization: auth,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      })
      const parsed: unknown = await res.json().catch(() => null)
      if (signal.aborted) throw signal.reason
      return { ok: true, status: res.status, statusText: res.statusText, body: parsed }
    } catch (err) {
      return signal.aborted
        ? { ok: false, retryable: true, code: 'timeout', message: 'The shop did not answer' }
        : { ok: false, retryable: true, code: 'network_error', message: String(err) }
    }
  }
}

/** `GET /coupons?code=`: WooCommerce answers a list holding the published coupon with it. */
async function findByCode(rest: Rest, code: string): Promise<Stored | Failure> {
  const found = await rest('GET', COUPONS, { query: { code } })
  if (!found.ok) return found
  if (found.status >= 300) return httpFailure(found)
  // Match the code ourselves: a shop that ignored the filter answers its whole first page.
  const same = Array.isArray(found.body)
    ? found.body.find((c) => String(record(c)?.code).toLowerCase() === code.toLowerCase())
    : undefined
  const stored = parseStored(same)
  if (stored) return stored
  // The shop said the code exists but does not list it: a stale cache may catch up on a retry.
  return {
    ok: false,
    retryable: true,
    code: 'coupon_not_found',
    message: `The shop reports ${code} as existing but does not return it by its code.`,
  }
}

/**
 * Checks the stored coupon and, when it differs from what Cartback promises, sets the expiry,
 * usage limit and email restrictions with `PUT /coupons/<id>` and checks the answer.
 */
async function ensureHeld(
  rest: Rest,
  stored: Stored,
  coupon: Coupon,
): Promise<{ ok: true; repaired: boolean } | Failure> {
  if (!problem(stored, coupon)) return { ok: true, repaired: false }
  const put = await rest('PUT', `${COUPONS}/${stored.id}`, {
    body: { date_expires: wooDateTime(coupon.expiresAt), email_restrictions: [], usage_limit: 1 },
  })
  if (!put.ok) return put
  if (put.status >= 300) return httpFailure(put)
  const after = parseStored(put.body)
  const left = after ? problem(after, coupon) : 'coupon_unreadable'
  if (!left) return { ok: true, repaired: true }
  // Permanent: the shop (a plugin filtering coupon fields, or its version) does not keep what
  // the message would promise. Better no discount than one that never expires (issue 11).
  return {
    ok: false,
    retryable: false,
    code: left,
    message: `The shop did not keep coupon ${stored.id} as asked (${left}), even after an update.`,
  }
}

/** What is wrong with a stored coupon, or null when it holds Cartback's promise. */
function problem(stored: Stored, coupon: Coupon): string | null {
  const at = stored.expiresGmt && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(stored.expiresGmt)
  // `date_expires_gmt` is UTC without an offset (wc_rest_prepare_date_response).
  const expires = at ? Date.parse(`${stored.expiresGmt}Z`) : Number.NaN
  if (!(Math.abs(expires - coupon.expiresAt) <= EXPIRY_SLACK_MS)) return 'coupon_expiry_not_stored'
  if (stored.usageLimit !== 1) return 'coupon_usage_limit_not_stored'
  if (stored.emailRestrictions?.length !== 0) return 'coupon_email_restricted'
  return null
}

function parseStored(value: unknown): Stored | null {
  const c = record(value)
  if (!c || typeof c.id !== 'number') return null
  return {
    id: c.id,
    expiresGmt: typeof c.date_expires_gmt === 'string' ? c.date_expires_gmt : null,
    usageLimit: typeof c.usage_limit === 'number' ? c.usage_limit : null,
    emailRestrictions: Array.isArray(c.email_restrictions) ? c.email_restrictions : null,
  }
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null
}

function errorCode(body: unknown): string | undefined {
  const code = record(body)?.code
  return typeof code === 'string' ? code : undefined
}

function httpFailure(answer: Answer): Failure {
  const message = record(answer.body)?.message
  return {
    ok: false,
    retryable: isRetryableStatus(answer.status),
    code: errorCode(answer.body) ?? `http_${answer.status}`,
    message: typeof message === 'string' ? message : answer.statusText,
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
