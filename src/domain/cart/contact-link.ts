import type { Beacon, CartState } from './types'

/**
 * What one contact object must hear of a beacon: the consent answers for its channel, and
 * whether the cart becomes the contact's active one (`register`).
 */
export type ContactLink = {
  channel: 'email' | 'sms'
  address: string
  register: boolean
  consents: NonNullable<Beacon['consents']>
}

/**
 * The contact objects that need to hear of a beacon, each only for what is new to it: consent
 * for its channel (with registration again), or registration when its address is new to the cart
 * or the shopper is back on a cart a newer one superseded. A beacon that says nothing new about
 * the person links none.
 * @example for (const link of contactLinks(before, after, beacon)) await linkContact(link)
 */
export function contactLinks(before: CartState, after: CartState, beacon: Beacon): ContactLink[] {
  const takenBack = before.supersededBy !== null && after.supersededBy === null
  const channels = [
    ['email', after.contact.email, before.contact.email],
    ['sms', after.contact.phone, before.contact.phone],
  ] as const
  const links: ContactLink[] = []
  for (const [channel, address, had] of channels) {
    if (!address) continue
    const consents = (beacon.consents ?? []).filter((c) => c.channel === channel)
    // A consent beacon registers again too: it is rare (one a checkout), and it finishes a
    // registration an earlier beacon's failed call left undone (the address is no longer new).
    // Not from a cart still superseded (no address in the beacon took it back): that would take
    // the contact from the newer cart while this one stays stopped.
    const again = consents.length > 0 && after.supersededBy === null
    const register = takenBack || address !== had || again
    if (register || consents.length > 0) links.push({ channel, address, register, consents })
  }
  return links
}
