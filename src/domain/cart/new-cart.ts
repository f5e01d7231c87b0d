import { STATE_VERSION } from './schema'
import type { CartState } from './types'

/** A cart that has just been seen for the first time. */
export function newCart(
  storeId: string,
  cartId: string,
  currency: string,
  now: number,
  revision = 0,
): CartState {
  return {
    version: STATE_VERSION,
    storeId,
    cartId,
    revision,
    status: 'active',
    currency,
    items: [],
    total: 0,
    contact: {},
    consents: [],
    page: null,
    createdAt: now,
    updatedAt: now,
    lastActivityAt: now,
    abandonedAt: null,
    abandonDueAt: null,
    restoredAt: null,
    recoveredAt: null,
    convertedAt: null,
    lostAt: null,
    abandonCount: 0,
    heldFrom: null,
    order: null,
    runs: [],
    attribution: null,
    supersededBy: null,
    restores: [],
    experiment: null,
  }
}

/** Revenue the cart counts as recovered: the order's net paid amount, once recovered. */
export function recoveredRevenue(s: CartState): number {
  if (s.recoveredAt === null || !s.order?.paid) return 0
  return Math.max(0, s.order.total - s.order.refunded)
}
