// Shared by the restore tests: a store with an abandoned cart, its signed links, and what a
// restore changes.
import { env } from 'cloudflare:workers'
import { signRestoreToken } from '../src/lib/restore-token'
import type { CartObject } from '../src/objects/cart-object'
import { abandonedCart as abandonIn } from './carts'
import { call, createStore, ORIGIN } from './helpers'

/** The test deployment's signing secret (vitest.config.ts). */
export const SECRET = env.SIGNING_SECRET
export const inAnHour = () => Math.floor(Date.now() / 1000) + 3600

/** A new store (with `overrides`) and an abandoned cart in it. */
export async function abandonedCart(overrides: Record<string, unknown> = {}) {
  const store = await createStore(overrides)
  return { store, ...(await abandonIn(store)) }
}

/** A signed link for the cart, bound to `step`. */
export const linkFor = (store: { id: string }, id: string, step: string | null = 'email-1') =>
  signRestoreToken(SECRET, { storeId: store.id, cartId: id, step, exp: inAnHour() })

/** The storefront script's report, from a page on `origin`, that it rebuilt the cart. */
export const rebuilt = (token: string, origin: string | null = ORIGIN) =>
  call(`/v1/restore/${token}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...(origin ? { Origin: origin } : {}) },
    body: '{}',
  })

/** What a restore changes: compared before and after requests that must change nothing. */
export async function footprint(stub: DurableObjectStub<CartObject>) {
  const snap = (await stub.snapshot())!
  return {
    status: snap.state.status,
    restoredAt: snap.state.restoredAt,
    revision: snap.state.revision,
    clicks: snap.state.runs.map((r) => r.clickedAt),
    journal: snap.journal.length,
  }
}
