// A dashboard session for workers tests: log in as the owner and post forms as a browser would.
import { expect } from 'vitest'
import { call } from './helpers'

export const OWNER = { email: 'owner@example.com', password: 'test-owner-password' }
let ips = 0
export const ip = () => `2001:db8:1::${(++ips).toString(16)}`

/** Cookies from Set-Cookie headers, as a browser would send them back. */
export function jar(res: Response, into: Record<string, string> = {}) {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const [name, value] = (pair ?? '').split('=')
    if (name) into[name] = value ?? ''
  }
  return into
}
export const cookieHeader = (cookies: Record<string, string>) =>
  Object.entries(cookies)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ')
export const hidden = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? ''

/** The CSRF token of the first form on a page, as a browser would post it back. */
export const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''

export async function loginForm(from = ip()) {
  const res = await call('/login', { headers: { 'CF-Connecting-IP': from } })
  const html = await res.text()
  return { res, html, cookies: jar(res), csrf: hidden(html, '_csrf') }
}

export async function postLogin(
  f: { cookies: Record<string, string>; csrf: string },
  fields: Record<string, string>,
  from = ip(),
) {
  return call('/login', {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Cookie: cookieHeader(f.cookies),
      'CF-Connecting-IP': from,
    },
    body: new URLSearchParams({ _csrf: f.csrf, ...fields }).toString(),
  })
}

export async function signIn() {
  const f = await loginForm()
  const res = await postLogin(f, OWNER)
  expect(res.status).toBe(303)
  return jar(res, f.cookies)
}

export const get = (path: string, cookies: Record<string, string>) =>
  call(path, { redirect: 'manual', headers: { Cookie: cookieHeader(cookies) } })

export async function post(
  path: string,
  cookies: Record<string, string>,
  fields: Record<string, string> | URLSearchParams,
) {
  return call(path, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Cookie: cookieHeader(cookies),
    },
    body: new URLSearchParams(fields).toString(),
  })
}

/** Signs in and opens `path` (200): the session, the page and the CSRF token its forms carry. */
export async function openPage(path: string) {
  const cookies = await signIn()
  const res = await get(path, cookies)
  expect(res.status).toBe(200)
  const html = await res.text()
  return { cookies, csrf: csrfOf(html), html }
}
