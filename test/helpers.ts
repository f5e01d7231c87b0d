import { env, exports } from 'cloudflare:workers'
import type { Store } from '../src/db/stores'

export const ORIGIN = 'https://shop.example'

export const TOKEN = 'test-admin-token'

/** A request through the whole Worker (routing, middleware, Durable Objects, D1). */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`https://cartback.test${path}`, init))
}

export function api(path: string, init: RequestInit & { json?: unknown } = {}) {
  const { json, ...rest } = init
  const headers = new Headers(rest.headers)
  headers.set('Authorization', `Bearer ${TOKEN}`)
  if (json !== undefined) headers.set('Content-Type', 'application/json')
  return call(`/api/v1${path}`, {
    ...rest,
    headers,
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  })
}

let n = 0
/** Creates a store through the API, with short timers unless overridden. */
export async function createStore(overrides: Record<string, unknown> = {}): Promise<Store> {
  n++
  const res = await api('/stores', {
    method: 'POST',
    json: {
      name: `Test Store ${n}`,
      url: `${ORIGIN}/`,
      currency: 'USD',
      allowedOrigins: [ORIGIN],
      settings: { inactivitySeconds: 60, attributionWindowSeconds: 3600 },
      ...overrides,
    },
  })
  if (res.status !== 201) throw new Error(`store create failed: ${res.status} ${await res.text()}`)
  return res.json()
}

/** A sequence of one email at abandonment, with the sender every email needs. */
export function oneEmailStore(id = 'e', windowSeconds = 3600) {
  return {
    inactivitySeconds: 60,
    sender: { fromEmail: 'shop@acme.example', postalAddress: '1 Market St, San Francisco, CA' },
    sequence: [
      {
        id,
        channel: 'email',
        delaySeconds: 0,
        windowSeconds,
        template: { subject: 's', heading: 'h', body: 'b', buttonLabel: 'go' },
      },
    ],
  }
}

/** Polls D1 until `query` returns a row (the Queue consumer writes asynchronously). */
export async function waitForRow<T>(sql: string, ...params: unknown[]): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const row = await env.DB.prepare(sql)
      .bind(...params)
      .first<T>()
    if (row) return row
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`no row for ${sql} ${JSON.stringify(params)}`)
}

export async function errorOf(
  res: Response,
): Promise<{ code: string; message: string; requestId: string }> {
  const body = (await res.json()) as { error: { code: string; message: string; requestId: string } }
  return body.error
}
