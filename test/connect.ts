// The plugin's side of WordPress connect, for the connect tests: a code, its exchange, the
// plugin's token calls.
import { env } from 'cloudflare:workers'
import { expect } from 'vitest'
import { woocommerceKeys } from '../src/db/stores'
import { api, call } from './helpers'

let ips = 0
export const ip = () => `2001:db8:c0::${(++ips).toString(16)}`

export type Connected = {
  storeId: string
  storeName: string
  publishableKey: string
  webhookSecret: string
  apiToken: string
  scriptUrl: string
  apiBase: string
  consentText: string
  wcAuth: { appName: string; scope: string; userId: string; callbackUrl: string }
}

export const SITE = {
  siteUrl: 'https://wp.example/',
  currency: 'USD',
  restRoot: 'https://wp.example/wp-json/',
  pluginVersion: '1.0.0',
}

export async function issue(storeId: string) {
  const res = await api(`/stores/${storeId}/connect-codes`, { method: 'POST' })
  expect(res.status).toBe(201)
  return res.json<{ code: string; expiresAt: string }>()
}

export function exchange(body: unknown, from = ip()) {
  return call('/v1/connect', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': from },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

export async function connected(
  storeId: string,
  site: Partial<typeof SITE> = {},
): Promise<Connected> {
  const { code } = await issue(storeId)
  const res = await exchange({ code, ...SITE, ...site })
  expect(res.status).toBe(200)
  return res.json<Connected>()
}

export const as = (token: string, path: string, init: RequestInit = {}) =>
  call(`/api/v1${path}`, { ...init, headers: { Authorization: `Bearer ${token}` } })

export const keysOf = (storeId: string) => woocommerceKeys(env.DB, storeId, env.SIGNING_SECRET)
export const tokenCount = async () =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM api_tokens').first<{ n: number }>())?.n
