import { describe, expect, it } from 'vitest'
import { guardReply } from '../../domain/reply/guard'
import type { ReplyInput, ReplyTools } from '../../domain/reply/types'
import { localResponder } from './local'

const LINK = 'https://cartback.example/s/Ab12Cd34Ef'
const input = (message: string, over: Partial<ReplyInput> = {}): ReplyInput => ({
  storeName: 'Harbor Goods',
  knowledgeBase: {
    shipping: 'We ship to the US and Canada; Canada takes 5-8 business days.',
    returns: 'Returns are free within 30 days.',
    faq: [{ q: 'Are the mugs dishwasher safe?', a: 'Yes, all our mugs are dishwasher safe.' }],
  },
  cart: {
    currency: 'USD',
    locale: 'en-US',
    items: [
      { name: 'Ocean Tee', quantity: 1, price: 2400 },
      { name: 'Sunrise Mug', quantity: 1, price: 1600 },
    ],
    total: 4000,
    restoreUrl: LINK,
  },
  incentive: '10% off',
  history: [],
  message,
  firstAiMessage: false,
  ...over,
})

function tools() {
  const calls: string[] = []
  const t: ReplyTools = {
    async offerIncentive() {
      calls.push('offer')
      return { code: 'CB-K7M2P9QX', description: '10% off' }
    },
    handOff(reason) {
      calls.push(`handoff:${reason}`)
    },
  }
  return { t, calls }
}

describe('the offline responder', () => {
  const r = localResponder()

  it('is labelled local', () => {
    expect(r).toMatchObject({ model: 'local', local: true })
  })

  it.each([
    ['do you ship to Canada?', 'We ship to the US and Canada; Canada takes 5-8 business days.'],
    ['can I return it?', 'Returns are free within 30 days.'],
    ['how much is it all?', 'Your cart comes to $40.00 for 1 × Ocean Tee, 1 × Sunrise Mug.'],
    ['are they in stock?', 'Everything in your cart was in stock when you added it'],
    ['Are the mugs dishwasher safe', 'Yes, all our mugs are dishwasher safe.'],
  ])(
    'answers %j from the knowledge base and the cart, with the cart link',
    async (message, answer) => {
      const { t, calls } = tools()
      const text = await r.draft(input(message), t, null)
      expect(text).toContain(answer)
      expect(text).toContain(LINK)
      expect(calls).toEqual([])
    },
  )

  it('offers the allowed incentive through the tool when asked for a discount', async () => {
    const { t, calls } = tools()
    const text = await r.draft(input('is there a discount?'), t, null)
    expect(text).toBe(
      `Here is 10% off your order: use code CB-K7M2P9QX at checkout. Your cart: ${LINK}`,
    )
    expect(calls).toEqual(['offer'])
  })

  it('offers nothing when the store allows no incentive', async () => {
    const { t, calls } = tools()
    const text = await r.draft(input('any coupon?', { incentive: null }), t, null)
    expect(text).toContain('no discount running')
    expect(calls).toEqual([])
  })

  it('hands off when asked for a person, or when the facts have no answer', async () => {
    const a = tools()
    expect(await r.draft(input('can I talk to a person'), a.t, null)).toContain('someone from')
    expect(a.calls).toEqual(['handoff:asked_for_person'])
    const b = tools()
    expect(await r.draft(input('what is your favourite colour?'), b.t, null)).toBe(
      'Let me check with the team and get back to you.',
    )
    expect(b.calls).toEqual(['handoff:unknown_question'])
    const c = tools()
    await r.draft(input('do you ship to Canada?', { knowledgeBase: { faq: [] } }), c.t, null)
    expect(c.calls).toEqual(['handoff:unknown_shipping'])
  })

  it('writes replies that pass the guardrails', async () => {
    for (const message of ['do you ship?', 'discount?', 'how much', 'returns?', 'in stock?']) {
      const { t } = tools()
      const text = await r.draft(input(message), t, null)
      const checked = guardReply(text, {
        currency: 'USD',
        restoreUrl: LINK,
        allowedMoney: [2400, 1600, 4000],
        allowedPercents: [10],
        allowedCodes: ['CB-K7M2P9QX'],
        allowedContacts: [],
        firstAiMessage: false,
        knownText:
          'We ship to the US and Canada; Canada takes 5-8 business days. Returns are free within 30 days.',
      })
      expect(checked.ok, `${message}: ${text}`).toBe(true)
    }
  })
})
