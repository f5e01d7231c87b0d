import type { CartPolicy } from '../store/settings'
import { assertNever, finish } from './finish'
import { attribute } from './runs'
import type { CartState, JournalEntry, MerchantAction, Refusal, Transition } from './types'

/** A merchant's action from the dashboard or the API: archive, ignore, unignore, mark recovered. */
export function onMerchant(
  s: CartState,
  action: MerchantAction,
  now: number,
  policy: CartPolicy,
): Transition {
  const refuse = (message: string) =>
    finish(s, s, [], now, policy, { code: 'CONFLICT', message } satisfies Refusal)
  const entry = (type: string): JournalEntry => ({ at: now, type, source: 'merchant' })
  // Archived and ignored carts hold: nothing more goes out, `heldFrom` keeps the status before.
  const hold = (status: 'archived' | 'ignored') => {
    if (s.status === status) return refuse(`The cart is already ${status}.`)
    return finish(s, { ...s, status, heldFrom: s.status }, [entry(`cart.${status}`)], now, policy)
  }
  switch (action) {
    case 'archive':
      return hold('archived')
    case 'ignore':
      return hold('ignored')
    case 'unignore':
      if (s.status !== 'ignored') return refuse('Only an ignored cart can be unignored.')
      return finish(
        s,
        { ...s, status: s.heldFrom ?? 'active', heldFrom: null },
        [entry('cart.unignored')],
        now,
        policy,
      )
    case 'mark_recovered': {
      if (s.recoveredAt !== null) return refuse('The cart is already recovered.')
      if (s.convertedAt !== null) return refuse('The cart was ordered without being recovered.')
      if (s.abandonedAt === null)
        return refuse('A cart that was never abandoned cannot be recovered.')
      const order = s.order ?? {
        id: `manual-${s.cartId}`,
        status: 'manual',
        paid: true,
        total: s.total,
        refunded: 0,
        currency: s.currency,
        source: 'merchant' as const,
        placedAt: now,
        modifiedAt: null,
        updatedAt: now,
        statusBefore: s.status,
      }
      const n: CartState = {
        ...s,
        status: 'recovered',
        recoveredAt: now,
        attribution: attribute(s, now, policy),
        heldFrom: null,
        order: { ...order, paid: true, statusBefore: s.status },
      }
      return finish(
        s,
        n,
        [{ ...entry('cart.recovered'), revenue: order.total - order.refunded }],
        now,
        policy,
      )
    }
    default:
      return assertNever(action)
  }
}
