import { describe, expect, it } from 'vitest'
import { contactLinks } from './contact-link'
import { newCart } from './machine'
import type { Beacon, CartState } from './types'

const cart = newCart('st_1', 'cart_0123456789abcdef', 'USD', 0)
const plain: Beacon = { kind: 'cart' }
const both: CartState = { ...cart, contact: { email: 'a@example.com', phone: '+12125550123' } }
const smsYes = { channel: 'sms' as const, granted: true, text: 't' }

describe('contactLinks', () => {
  it('links none for a beacon that says nothing new about the person', () => {
    expect(contactLinks(cart, { ...cart, total: 100 }, plain)).toEqual([])
    expect(contactLinks(both, { ...both, total: 100 }, plain)).toEqual([])
  })

  it('registers only the address that is new to the cart', () => {
    const after = { ...both, contact: { ...both.contact, email: 'b@example.com' } }
    expect(contactLinks(both, after, plain)).toEqual([
      { channel: 'email', address: 'b@example.com', register: true, consents: [] },
    ])
  })

  it('gives consent to its channel only, and registers that known address again', () => {
    // Again: an earlier beacon's registration may have failed after the cart took the address.
    const consent: Beacon = { kind: 'contact', consents: [smsYes] }
    expect(contactLinks(both, both, consent)).toEqual([
      { channel: 'sms', address: '+12125550123', register: true, consents: [smsYes] },
    ])
    expect(contactLinks(cart, cart, consent)).toEqual([])
    // A cart a newer one superseded, answered without an address: consent only.
    const superseded = { ...both, supersededBy: 'cart_newer' }
    expect(contactLinks(superseded, superseded, consent)).toEqual([
      { channel: 'sms', address: '+12125550123', register: false, consents: [smsYes] },
    ])
  })

  it('registers every address again when a superseded cart is taken back', () => {
    const links = contactLinks({ ...both, supersededBy: 'cart_b' }, both, plain)
    expect(links.map((l) => [l.channel, l.register])).toEqual([
      ['email', true],
      ['sms', true],
    ])
    expect(
      contactLinks({ ...both, supersededBy: 'cart_b' }, { ...both, supersededBy: 'cart_b' }, plain),
    ).toEqual([])
  })
})
