// A tracked cart (the beacon's `contact` event with items) and its object: shared by the API
// and webhook route tests.
import { env } from 'cloudflare:workers'
import type { Store } from '../src/db/stores'
import { cartStub } from '../src/objects/stubs'
import { beacon, cartId, ITEMS } from './carts'

/** A new cart of `store` with an email (the beacon's `contact` event) and its object. */
export async function trackedCart(store: Store, extra: Record<string, unknown> = {}) {
  const id = cartId()
  await beacon({ store: store.publishableKey, cart: id, type: 'contact', items: ITEMS, ...extra })
  const stub = cartStub(env.CART, { storeId: store.id, cartId: id })
  return { id, stub }
}
