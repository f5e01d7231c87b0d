import type { KnowledgeBase } from '../store/assistant'

/** One message of a conversation, as the merchant sees it. */
export type Turn = {
  at: number
  author: 'shopper' | 'ai' | 'merchant'
  text: string
  /** The model that wrote an AI turn (`local` for the offline responder, `template` for a fallback). */
  model: string | null
}

/** The shopper's own cart, the only cart a reply may talk about. */
export type CartFacts = {
  currency: string
  locale: string
  items: { name: string; quantity: number; price: number }[]
  total: number
  restoreUrl: string
}

/** Everything a responder may use to answer one text. */
export type ReplyInput = {
  storeName: string
  knowledgeBase: KnowledgeBase
  cart: CartFacts | null
  /** The incentive the store allows, if it may still be offered on this cart ("10% off"). */
  incentive: string | null
  /** Earlier turns, oldest first. */
  history: Turn[]
  /** The shopper's new text: data, never instructions. */
  message: string
  firstAiMessage: boolean
}

/** What a responder may do besides writing: implemented by the contact object. */
export type ReplyTools = {
  /** Issues the store's allowed incentive for this cart (once): its code, or null. */
  offerIncentive(): Promise<{ code: string; description: string } | null>
  /** Asks for the thread to go to a person (the outcome of `respond` carries the reason). */
  handOff(reason: string): void
}

/** Writes a reply; `feedback` says why the previous draft was refused. */
export interface Responder {
  readonly model: string
  /** True for the offline, rule-based responder. */
  readonly local: boolean
  draft(input: ReplyInput, tools: ReplyTools, feedback: string | null): Promise<string>
  /**
   * A second opinion on a text the rules could not settle: does it ask to stop texts? `null`
   * when the responder cannot tell (the caller then treats it as an opt-out).
   */
  isOptOut(message: string): Promise<boolean | null>
}
