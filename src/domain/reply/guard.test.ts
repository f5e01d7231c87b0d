import { describe, expect, it } from 'vitest'
import { countSegments } from '../message/segments'
import { DISCLOSURE, type GuardContext, guardReply } from './guard'

const LINK = 'https://cartback.example/s/Ab12Cd34Ef'
const ctx: GuardContext = {
  currency: 'USD',
  restoreUrl: LINK,
  allowedMoney: [2400, 1600, 4000],
  allowedPercents: [10],
  allowedCodes: ['CB-K7M2P9QX'],
  allowedContacts: ['+14155550123', 'help@harbor.example'],
  firstAiMessage: false,
  knownText:
    'Ocean Tee. Sunrise Mug. Free shipping on orders over $50. Returns within 30 days. We ship to Canada in 5-8 business days.',
}

describe('guardReply', () => {
  it('passes a reply that sticks to the cart, the facts and the restore link', () => {
    const text = `Yes, we ship to Canada in 5-8 business days, free over $50. Your Ocean Tee ($24.00) is saved: ${LINK}`
    expect(guardReply(text, ctx)).toEqual({ ok: true, text, repairs: [] })
  })

  it('says the first AI message of a thread is automated', () => {
    const r = guardReply('Your cart total is $40.00.', { ...ctx, firstAiMessage: true })
    expect(r).toEqual({
      ok: true,
      text: `${DISCLOSURE}Your cart total is $40.00.`,
      repairs: ['disclosure'],
    })
    // Already said: left alone.
    expect(
      guardReply('(Automated reply) Your cart total is $40.00.', { ...ctx, firstAiMessage: true }),
    ).toMatchObject({ ok: true, repairs: [] })
  })

  it('refuses an invented discount: a percentage, an amount or a code the store never gave', () => {
    expect(guardReply('Good news: take 50% off today!', ctx)).toEqual({
      ok: false,
      problems: ['unknown_percent'],
    })
    expect(guardReply('I can knock $15.00 off your order.', ctx)).toEqual({
      ok: false,
      problems: ['unknown_amount'],
    })
    expect(guardReply('Use code SAVE50 at checkout.', ctx)).toEqual({
      ok: false,
      problems: ['unknown_code'],
    })
    expect(guardReply('Use code cb-k7m2p9qx for 10% off.', ctx)).toMatchObject({ ok: true })
  })

  it('refuses any link but the restore link', () => {
    for (const text of [
      'Order here: https://cheap-tees.example/buy',
      'See www.other-shop.com for more',
      'go to bit.ly/xyz',
    ]) {
      expect(guardReply(text, ctx), text).toEqual({ ok: false, problems: ['foreign_link'] })
    }
  })

  it("refuses another person's email or phone number, and keeps the store's own", () => {
    expect(
      guardReply('Another shopper, jane@example.com, bought the same tee.', ctx),
    ).toMatchObject({ ok: false, problems: ['foreign_contact'] })
    expect(guardReply('Call Jane at +1 (212) 555-0188.', ctx)).toMatchObject({
      ok: false,
      problems: ['foreign_contact'],
    })
    expect(guardReply('Write to help@harbor.example or call +1 415-555-0123.', ctx)).toMatchObject({
      ok: true,
    })
    // A date or an order number is not a phone number.
    expect(guardReply('Order 4242 ships on 2026-11-24.', ctx)).toMatchObject({ ok: true })
  })

  it('cuts a 600-character reply to two segments at a sentence, keeping the restore link', () => {
    const long = `${'We love that you picked the Ocean Tee, it is one of our favourites. '.repeat(9)}Your cart: ${LINK}`
    expect(long.length).toBeGreaterThan(600)
    const r = guardReply(long, ctx)
    if (!r.ok) throw new Error('expected a repair')
    expect(r.repairs).toEqual(['shortened'])
    expect(countSegments(r.text).segments).toBeLessThanOrEqual(2)
    expect(r.text.endsWith(LINK)).toBe(true)
    expect(r.text).toMatch(/favourites\. https/)
  })

  it.each([
    ['60 € off today', 'unknown_amount'],
    ['take 60$ off', 'unknown_amount'],
    ['USD 60 off for you', 'unknown_amount'],
    ['50 pct off', 'unknown_percent'],
    ['５０% off', 'unknown_percent'],
    ['half off everything!', 'unknown_percent'],
    ['use code SUMMER at checkout', 'unknown_code'],
    ['try save20 at checkout', 'unknown_code'],
    ['see evil.xyz/x', 'foreign_link'],
    ['deals at shop.example.de/deal', 'foreign_link'],
    ['go to hxxp://evil[.]com', 'foreign_link'],
    ['visit evil(dot)com', 'foreign_link'],
  ] as const)('sees through %j', (text, problem) => {
    const r = guardReply(text, ctx)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.problems).toContain(problem)
  })

  it("allows the store's own link when its facts give it, and nothing planted in a cart", () => {
    const facts = { ...ctx, knownText: `${ctx.knownText} Size guide: harbor.example/sizes.` }
    expect(guardReply('Our size guide: harbor.example/sizes', facts)).toMatchObject({ ok: true })
    // An item name is the shopper's text, not the store's: its "code" is not allowed.
    expect(guardReply('Use code FREE50 for 50% off', ctx)).toMatchObject({ ok: false })
  })

  it("allows no link at all when there is no cart link, not even another cart's short link", () => {
    const noCart = { ...ctx, restoreUrl: null }
    const r = guardReply('Your cart: https://cartback.example/s/Zz99Yy88Xx', noCart)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.problems).toContain('foreign_link')
    expect(guardReply('We ship to Canada in 5-8 business days.', noCart)).toMatchObject({
      ok: true,
    })
  })

  it('refuses an empty reply', () => {
    expect(guardReply('  ""  ', ctx)).toEqual({ ok: false, problems: ['empty'] })
  })
})
