// Carts through the storefront's beacon and their own alarms.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import type { Store } from '../src/db/stores'
import type { CartState } from '../src/domain/cart/types'
import type { CartObject } from '../src/objects/cart-object'
import type { LazyLayout } from '../src/objects/migrations'
import { cartStub } from '../src/objects/stubs'
import { call, ORIGIN } from './helpers'

/** A cart object's own table layout: built by its first message or journal chunk (issue 14). */
export const tablesOf = (o: CartObject) => (o as unknown as { tables: LazyLayout }).tables

/** Builds a cart's tables now, as its first message would: for tests that rewrite them. */
export const buildTables = (stub: DurableObjectStub<CartObject>) =>
  runInDurableObject(stub, (o: CartObject) => tablesOf(o).build())

/** The names of a cart object's own tables (none until a write needs one). */
export const tablesIn = (stub: DurableObjectStub<CartObject>) =>
  runInDurableObject(stub, (_o, s) =>
    s.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('journal', 'outbox') ORDER BY name",
      )
      .toArray()
      .map((t) => t.name),
  )

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

export const ITEMS = [
  { id: 'sku-1', name: 'Ocean Tee', price: 2400, quantity: 2 },
  { id: 'sku-2', name: 'Sunrise Mug', price: 1600, quantity: 1 },
]

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
      abandonDueAt: shift(s.abandonDueAt),
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

/** A new cart of `store` with ITEMS and `contact` (plus any other beacon fields), not abandoned. */
export async function contactCart(
  store: Pick<Store, 'id' | 'publishableKey'>,
  contact?: Record<string, string>,
  extra: Record<string, unknown> = {},
) {
  const id = cartId()
  const res = await beacon({
    store: store.publishableKey,
    cart: id,
    type: 'contact',
    items: ITEMS,
    ...(contact ? { contact } : {}),
    ...extra,
  })
  if (res.status !== 202) throw new Error(`beacon refused: ${res.status}`)
  return { id, stub: cartStub(env.CART, { storeId: store.id, cartId: id }) }
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
  const cart = await contactCart(store, contact, extra)
  await abandon(cart.stub)
  return cart
}

/** A cart's state as its object holds it; null when the cart does not exist. */
export async function stateOf(storeId: string, id: string) {
  return (await cartStub(env.CART, { storeId, cartId: id }).snapshot())?.state ?? null
}
