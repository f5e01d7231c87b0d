import type { InboundText } from '../../domain/contact/types'
import type { Turn } from '../../domain/reply/types'

/** A reply held until the shopper's daytime. */
export type DeferredReply = {
  key: string
  sendAt: number
  text: string
  model: string | null
  cartId: string | null
  /** What to journal when it goes out, and when the shopper asked. */
  detail: string
}

/** A code a reply offered on one cart. */
export type Offer = { code: string; description: string }

/**
 * How far a sent text's key got: `calling` from just before the provider call, then `sent` or
 * `unknown` (Twilio may have taken it).
 */
export type CallMark = 'calling' | 'sent' | 'unknown'

/** A received text still to handle, with its failed attempts. */
export type PendingText = InboundText & { attempts: number }

/**
 * The contact's storage as the conversation uses it: named reads and writes, no SQL. The contact
 * object's storage module implements it.
 */
export interface ConversationStore {
  /** The thread of one cart, oldest first; every cart's when `cartId` is null. */
  thread(cartId: string | null): Turn[]
  /** Adds a turn once per key. */
  addTurn(key: string, turn: Turn, cartId: string | null): void
  /** Holds a reply until `sendAt` (once per key). */
  defer(reply: DeferredReply): void
  /** Held replies due at `now`, earliest first. */
  dueReplies(now: number): DeferredReply[]
  dropReply(key: string): void
  offer(cartId: string): Offer | null
  saveOffer(cartId: string, offer: Offer): void
  callMark(id: string): CallMark | null
  /** Marks a key `calling` before the provider call. */
  markCalling(id: string, at: number, cartId: string | null): void
  /**
   * A call that went out or may have: its key is done and it counts toward the daily cap, once.
   * False when the key was not `calling` (settled already).
   */
  settleCall(id: string, mark: 'sent' | 'unknown', at: number): boolean
  /** A refused call: the key may be sent again later. */
  dropCall(id: string): void
}
