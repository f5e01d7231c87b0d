// The cart machine on what a shopper gives: lines, totals, contacts, consent, revisions.
import { describe, expect, it } from 'vitest'
import { abandoned, beacon, cart, ITEM, policy, S, T0, timer } from '#test/domain/machine'
import { next } from './machine'

describe('next: carts and contacts', () => {
  it('stops everything when an abandoned cart is emptied', () => {
    const t = next(abandoned(), beacon({ items: [] }), T0 + 100 * S, policy)
    expect(t.state.status).toBe('active')
    expect(t.state.total).toBe(0)
    expect(t.wakeAt).toBeNull()
    expect(t.journal.map((j) => j.type)).toEqual(['cart.updated', 'cart.emptied'])
  })

  it('computes the total from the lines when the beacon gives none', () => {
    const t = next(
      cart({ items: [], total: 0 }),
      beacon({ items: [ITEM, { ...ITEM, id: 'b', price: 100, quantity: 3 }] }),
      T0,
      policy,
    )
    expect(t.state.total).toBe(5100)
  })

  it('journals a dropped phone without storing it', () => {
    const t = next(
      cart(),
      beacon({ kind: 'contact', contact: { email: 'a@b.co' }, invalid: ['phone'] }),
      T0,
      policy,
    )
    expect(t.state.contact).toEqual({ email: 'a@b.co' })
    expect(t.journal.map((j) => j.type)).toEqual(['contact.updated', 'contact.phone_invalid'])
  })

  it('records consent with its evidence once, and again only when it changes', () => {
    const given = { channel: 'sms' as const, granted: true, text: 'Text me', ip: '203.0.113.9' }
    const first = next(
      cart({ contact: { phone: '+14155552671' } }),
      beacon({ kind: 'contact', consents: [given] }),
      T0,
      policy,
    )
    expect(first.state.consents).toEqual([
      { ...given, phone: '+14155552671', email: undefined, at: T0 },
    ])
    const repeat = next(first.state, beacon({ kind: 'contact', consents: [given] }), T0 + S, policy)
    expect(repeat.state.consents).toHaveLength(1)
    const revoked = next(
      repeat.state,
      beacon({ kind: 'contact', consents: [{ ...given, granted: false }] }),
      T0 + 2 * S,
      policy,
    )
    expect(revoked.state.consents.map((c) => c.granted)).toEqual([true, false])
  })

  it('bumps the revision and publishes a report only when the state changed', () => {
    const changed = next(cart(), beacon({ items: [ITEM] }), T0 + S, policy)
    expect(changed.state.revision).toBe(4)
    expect(changed.effects).toEqual([{ type: 'publish_report' }])
    const same = next(cart(), timer, T0 + S, policy)
    expect(same.state.revision).toBe(3)
    expect(same.effects).toEqual([])
  })
})
