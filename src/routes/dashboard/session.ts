import type { Context, MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, getSignedCookie, setCookie, setSignedCookie } from 'hono/cookie'
import { sessionUser } from '../../db/auth'
import { fromBase64Url, toBase64Url } from '../../lib/encoding'
import { hmacSha256, verifyHmacSha256 } from '../../lib/hmac'
import type { AppEnv } from '../env'

/** `__Host-`: Secure, path /, no Domain, so no subdomain can set or read it. */
export const SESSION_COOKIE = '__Host-cb_session'
export const SESSION_TTL_MS = 12 * 3_600_000

const sign = async (c: Context<AppEnv>, label: string, value: string) =>
  toBase64Url(await hmacSha256(c.get('config').SIGNING_SECRET, `${label}:${value}`))

const verify = async (c: Context<AppEnv>, label: string, value: string, tag: string) => {
  const bytes = fromBase64Url(tag)
  return bytes
    ? verifyHmacSha256(c.get('config').SIGNING_SECRET, `${label}:${value}`, bytes)
    : false
}

/**
 * The key hono's signed cookies use for `label`: derived from SIGNING_SECRET, so each cookie
 * kind (and each account's device cookie) has its own key and no MAC of one passes for another.
 */
export const cookieKey = (secret: string, label: string) => hmacSha256(secret, `cookie:${label}`)
const sessionKey = (c: Context<AppEnv>) => cookieKey(c.get('config').SIGNING_SECRET, 'session')

/**
 * A browser that signed in to an account before ("device cookie", as OWASP's guidance on
 * account lockout has it): `nonce.issuedAt`, signed with that account's key, one per browser and
 * good for 180 days. A locked account still lets its owner in from a browser they used, each
 * such browser counting its own tries, while guesses from anywhere else wait out the lock.
 */
export const DEVICE_COOKIE = '__Host-cb_device'
const DEVICE_TTL_MS = 180 * 86_400_000
const account = (email: string) => email.trim().toLowerCase()
const deviceKey = (c: Context<AppEnv>, email: string) =>
  cookieKey(c.get('config').SIGNING_SECRET, `device:${account(email)}`)

export async function trustDevice(c: Context<AppEnv>, email: string, now = Date.now()) {
  const nonce = toBase64Url(crypto.getRandomValues(new Uint8Array(12)))
  await setSignedCookie(c, DEVICE_COOKIE, `${nonce}.${now}`, await deviceKey(c, email), {
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: '/',
    expires: new Date(now + DEVICE_TTL_MS),
  })
}

/**
 * The device id of this browser's cookie for `email` when it verifies and is younger than 180
 * days, else null.
 */
export async function trustedDevice(
  c: Context<AppEnv>,
  email: string,
  now = Date.now(),
): Promise<string | null> {
  const value = await getSignedCookie(c, await deviceKey(c, email), DEVICE_COOKIE)
  const [nonce, issued] = value ? value.split('.') : []
  const at = Number(issued)
  if (!nonce || !Number.isSafeInteger(at) || at > now || now - at > DEVICE_TTL_MS) return null
  return nonce
}

/** Sets the signed session cookie: HttpOnly, Secure, SameSite=Lax, expiring with the session. */
export async function startSession(c: Context<AppEnv>, id: string, expiresAt: number) {
  await setSignedCookie(c, SESSION_COOKIE, id, await sessionKey(c), {
    httpOnly: true,
    secure: true,
    sameSite: 'Lax',
    path: '/',
    expires: new Date(expiresAt),
  })
}

export function clearSession(c: Context<AppEnv>) {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true })
}

/** The session id in a validly signed cookie, or null. */
export async function sessionIdOf(c: Context<AppEnv>): Promise<string | null> {
  // hono/cookie: false for a bad signature, undefined for no (or a malformed) cookie.
  return (await getSignedCookie(c, await sessionKey(c), SESSION_COOKIE)) || null
}

/**
 * Pages behind login: the signed-in user, or a redirect to the login page that comes back here.
 */
export function requireUser(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = await sessionIdOf(c)
    const user = id ? await sessionUser(c.env.DB, id) : null
    if (!id || !user) {
      const here = new URL(c.req.url)
      const back = `${here.pathname}${here.search}`
      return c.redirect(`/login${back === '/' ? '' : `?next=${encodeURIComponent(back)}`}`, 303)
    }
    c.set('user', user)
    c.set('sessionId', id)
    c.set('csrf', await sign(c, 'csrf', id))
    await next()
  }
}

/** 403 for a form without a valid CSRF token (a page on another site, or an old form). */
export const forged = (c: Context) =>
  c.text('This form has expired or did not come from Cartback. Go back and try again.', 403)

/**
 * Every form post behind login carries `_csrf`, a MAC of the session id: a page on another site
 * cannot know it. 403 otherwise, before the handler runs.
 */
export function requireCsrf(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next()
    const body = await c.req.parseBody()
    const token = typeof body._csrf === 'string' ? body._csrf : ''
    const id = c.get('sessionId')
    if (!id || !token || !(await verify(c, 'csrf', id, token))) {
      return forged(c)
    }
    await next()
  }
}

/** The login form's own CSRF token: a MAC of a random value kept in a short-lived cookie. */
export async function loginCsrf(c: Context<AppEnv>): Promise<string> {
  let nonce = getCookie(c, '__Host-cb_login')
  if (!nonce || !/^[\w-]{16,64}$/.test(nonce)) {
    nonce = toBase64Url(crypto.getRandomValues(new Uint8Array(18)))
    setCookie(c, '__Host-cb_login', nonce, {
      httpOnly: true,
      secure: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: 3600,
    })
  }
  return sign(c, 'login', nonce)
}

export async function loginCsrfValid(c: Context<AppEnv>, token: string): Promise<boolean> {
  const nonce = getCookie(c, '__Host-cb_login')
  return Boolean(nonce && token && (await verify(c, 'login', nonce, token)))
}
