import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import type { Store } from '../src/db/stores'
import type { CartState } from '../src/domain/cart/types'
import type { CartObject } from '../src/objects/cart-object'
import { cartStub } from '../src/objects/stubs'
import { twilioSignature } from './twilio-sign'

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

/** A fresh random cart id, as the storefront script makes them. */
export function cartId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
}

export function beacon(
  body: Record<string, unknown>,
  init: { origin?: string; type?: string; ip?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = {
    ...init.headers,
    'Content-Type': init.type ?? 'text/plain;charset=UTF-8',
    // Each beacon from its own documentation-range address, unless a test names one: the
    // limiter counts per client address.
    'CF-Connecting-IP':
      init.ip ??
      `2001:db8::${crypto.getRandomValues(new Uint16Array(1))[0]!.toString(16)}:${crypto.getRandomValues(new Uint16Array(1))[0]!.toString(16)}`,
  }
  if (init.origin !== '') headers.Origin = init.origin ?? ORIGIN
  return call('/v1/events', { method: 'POST', headers, body: JSON.stringify(body) })
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

export const ITEMS = [
  { id: 'sku-1', name: 'Ocean Tee', price: 2400, quantity: 2 },
  { id: 'sku-2', name: 'Sunrise Mug', price: 1600, quantity: 1 },
]

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

/**
 * Moves a cart's clock back: its persisted times look `ms` older. The object is evicted so it
 * reloads the seeded state, as after a restart.
 */
export async function age(stub: DurableObjectStub<CartObject>, ms: number) {
  await runInDurableObject(stub, (_o: CartObject, state) => {
    const s = state.storage.kv.get<CartState>('state')!
    const shift = (t: number | null) => (t === null ? null : t - ms)
    state.storage.kv.put('state', {
      ...s,
      lastActivityAt: s.lastActivityAt - ms,
      createdAt: s.createdAt - ms,
      abandonedAt: shift(s.abandonedAt),
      restoredAt: shift(s.restoredAt),
    })
  })
  await evictDurableObject(stub)
}

/** Abandons a cart through its own alarm, as if the inactivity timeout had passed. */
export async function abandon(stub: DurableObjectStub<CartObject>, inactivityMs = 60_000) {
  await age(stub, inactivityMs + 1000)
  await runDurableObjectAlarm(stub)
  const status = (await stub.snapshot())?.state.status
  if (status !== 'abandoned') throw new Error(`cart not abandoned: ${status}`)
}

/**
 * A cart with ITEMS and `contact` (an email by default, plus any other beacon fields), abandoned
 * through its own alarm.
 */
export async function abandonedCart(
  store: Store,
  contact: Record<string, string> = { email: 'shopper@example.com', firstName: 'Ada' },
  extra: Record<string, unknown> = {},
) {
  const id = cartId()
  const res = await beacon({
    store: store.publishableKey,
    cart: id,
    type: 'contact',
    items: ITEMS,
    contact,
    ...extra,
  })
  if (res.status !== 202) throw new Error(`beacon refused: ${res.status}`)
  const stub = cartStub(env.CART, { storeId: store.id, cartId: id })
  await abandon(stub)
  return { id, stub }
}

let inboundSids = 0

/** A shopper's text as Twilio posts it, signed with the test auth token over the public URL. */
export function twilioInbound(
  storeId: string,
  body: string,
  from: string,
  sid = `SM${String(++inboundSids).padStart(8, '0')}${crypto.randomUUID().replace(/-/g, '').slice(0, 24)}`,
) {
  const params = { MessageSid: sid, From: from, To: '+14155550000', Body: body, AccountSid: 'AC1' }
  return twilioPost(`/webhooks/twilio/${storeId}`, params)
}

/**
 * A form POST as Twilio sends it, signed with `token` (the test auth token by default) over
 * `url` (the public URL of `path` by default) and every parameter.
 */
export function twilioPost(
  path: string,
  params: Record<string, string>,
  opts: { token?: string; url?: string } = {},
) {
  const url = opts.url ?? `https://cartback.test${path}`
  return call(path, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': twilioSignature(opts.token ?? 'test-twilio-token', url, params),
    },
    body: new URLSearchParams(params).toString(),
  })
}

/** A cart's state as its object holds it; null when the cart does not exist. */
export async function stateOf(storeId: string, id: string) {
  return (await cartStub(env.CART, { storeId, cartId: id }).snapshot())?.state ?? null
}
