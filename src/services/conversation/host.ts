import type { SendResult } from '../../adapters/types'
import type { CartState } from '../../domain/cart/types'
import type { OptIn, ThreadState } from '../../domain/contact/types'
import type { Turn } from '../../domain/reply/types'
import type { SendHost } from './send'

/** What the conversation asks of a cart; its object (reached by the contact object) answers. */
export type CartPort = {
  snapshot(): Promise<{ state: CartState } | null>
  replied(keyword: string, detail?: Record<string, string | number | boolean | null>): Promise<void>
}

/** What handling a text may use of the contact object that received it. */
export type ConversationHost = SendHost & {
  /** The cart a text is about: its snapshot, and the journal its outcomes go to. */
  cart(cartId: string): CartPort
  thread(): ThreadState
  /** A person takes the thread: the assistant goes silent on it. */
  handOff(): void
  /** The number is opted out (the object's flag or the D1 list). */
  suppressed(): Promise<boolean>
  optOut(sid: string, alreadySuppressed: boolean): Promise<void>
  optInState(): OptIn
  keyword(k: 'opt_in' | 'help', sid: string): Promise<void>
  /**
   * Sends a transactional text once per key, filed under the active cart; `turn`, when given,
   * joins the thread in the commit that marks the key sent.
   */
  text(
    key: string,
    body: string,
    turn?: { turn: Omit<Turn, 'at'>; cartId: string | null },
  ): Promise<SendResult>
}
