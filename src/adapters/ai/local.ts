import { formatMoneyForText } from '../../domain/message/format'
import { intentOf } from '../../domain/reply/intent'
import type { ReplyInput, ReplyTools, Responder } from '../../domain/reply/types'

const CHECK = 'Let me check with the team and get back to you.'

/** The FAQ answer whose question shares the most words with the message, if any does. */
function faqAnswer(input: ReplyInput): string | null {
  const words = (s: string) =>
    new Set(
      s
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter((w) => w.length > 3),
    )
  const asked = words(input.message)
  let best: { a: string; score: number } | null = null
  for (const f of input.knowledgeBase.faq) {
    const score = [...words(f.q)].filter((w) => asked.has(w)).length
    if (score > 0 && (!best || score > best.score)) best = { a: f.a, score }
  }
  return best?.a ?? null
}

/**
 * The offline responder: deterministic answers by intent (shipping, returns, price, discount,
 * stock, human, other) from the same knowledge base and cart, behind the same interface as the
 * model. Used where the AI binding is unavailable (local, offline, tests); its turns are labelled
 * `local`.
 */
export function localResponder(): Responder {
  return {
    model: 'local',
    local: true,
    // Rules already said "unsure": without a model, doubt counts as an opt-out.
    async isOptOut() {
      return null
    },
    async draft(input: ReplyInput, tools: ReplyTools): Promise<string> {
      const kb = input.knowledgeBase
      const cart = input.cart
      const link = cart ? ` Your cart: ${cart.restoreUrl}` : ''
      const unknown = (reason: string) => {
        tools.handOff(reason)
        return CHECK
      }
      switch (intentOf(input.message)) {
        case 'human':
          tools.handOff('asked_for_person')
          return `Of course: someone from the ${input.storeName} team will reply here soon.`
        case 'shipping':
          return kb.shipping ? `${kb.shipping}${link}` : unknown('unknown_shipping')
        case 'returns':
          return kb.returns ? `${kb.returns}${link}` : unknown('unknown_returns')
        case 'price':
          return cart
            ? `Your cart comes to ${formatMoneyForText(cart.total, cart.currency)} for ${cart.items
                .map((i) => `${i.quantity} × ${i.name}`)
                .join(', ')}.${link}`
            : unknown('no_cart')
        case 'discount': {
          const offer = input.incentive ? await tools.offerIncentive() : null
          return offer
            ? `Here is ${offer.description} your order: use code ${offer.code} at checkout.${link}`
            : `We have no discount running right now, but your cart is saved for you.${link}`
        }
        case 'stock':
          return cart
            ? `Everything in your cart was in stock when you added it, and it is saved for you.${link}`
            : unknown('no_cart')
        default: {
          const answer = faqAnswer(input)
          return answer ? `${answer}${link}` : unknown('unknown_question')
        }
      }
    },
  }
}
