import { describe, expect, it } from 'vitest'
import { linksContacts } from './contact-link'
import { newCart } from './machine'
import type { Beacon } from './types'

const cart = newCart('st_1', 'cart_0123456789abcdef', 'USD', 0)
const plain: Beacon = { kind: 'cart' }

describe('linksContacts', () => {
  it('is false for a beacon that says nothing new about the person', () => {
    expect(linksContacts(cart, { ...cart, total: 100 }, plain)).toBe(false)
  })

  it('is true for a new email or phone, any consent, or a superseded cart taken back', () => {
    expect(linksContacts(cart, { ...cart, contact: { email: 'a@example.com' } }, plain)).toBe(true)
    expect(linksContacts(cart, { ...cart, contact: { phone: '+12125550123' } }, plain)).toBe(true)
    const consent: Beacon = {
      kind: 'contact',
      consents: [{ channel: 'sms', granted: true, text: 't' }],
    }
    expect(linksContacts(cart, cart, consent)).toBe(true)
    expect(linksContacts({ ...cart, supersededBy: 'cart_b' }, cart, plain)).toBe(true)
    expect(
      linksContacts(
        { ...cart, supersededBy: 'cart_b' },
        { ...cart, supersededBy: 'cart_b' },
        plain,
      ),
    ).toBe(false)
  })
})
