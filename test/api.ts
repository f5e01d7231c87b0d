// Shared by the JSON API's route tests: a cart a shopper has given an email to, and the wait
// until D1 shows a cart as its object has it.
import { env } from 'cloudflare:workers'
import type { Store } from '../src/db/stores'
import { cartStub } from '../src/objects/stubs'
import { beacon, cartId, ITEMS } from './carts'
import { waitForRow } from './helpers'

/** A new cart of `store` with an email (the beacon's `contact` event) and its object. */
export async function trackedCart(store: Store, extra: Record<string, unknown> = {}) {
  const id = cartId()
  await beacon({ store: store.publishableKey, cart: id, type: 'contact', items: ITEMS, ...extra })
  const stub = cartStub(env.CART, { storeId: store.id, cartId: id })
  return { id, stub }
}

/** Waits until D1 shows the cart at the object's current revision. */
export async function projected(store: Store, id: string) {
  const s = (await cartStub(env.CART, { storeId: store.id, cartId: id }).snapshot())!.state
  await waitForRow(
    'SELECT 1 FROM carts WHERE store_id = ? AND cart_id = ? AND revision = ?',
    store.id,
    id,
    s.revision,
  )
}
