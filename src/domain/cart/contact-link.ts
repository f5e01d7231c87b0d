import type { Beacon, CartState } from './types'

/**
 * Whether the contact objects need to hear of a beacon: only when it says something new about
 * the person (an address, consent), or the shopper is back on a cart a newer one superseded.
 * @example if (linksContacts(before, after, beacon)) await linkContacts(...)
 */
export function linksContacts(before: CartState, after: CartState, beacon: Beacon): boolean {
  return (
    after.contact.email !== before.contact.email ||
    after.contact.phone !== before.contact.phone ||
    (beacon.consents?.length ?? 0) > 0 ||
    (before.supersededBy !== null && after.supersededBy === null)
  )
}
