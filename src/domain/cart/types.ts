import type { z } from 'zod'
import type { ContactFacts } from '../sequence/policy'
import type {
  CartStateSchema,
  ConsentSchema,
  ContactSchema,
  ItemSchema,
  OrderSchema,
  StepRunSchema,
} from './schema'

export type CartStatus =
  | 'active'
  | 'abandoned'
  | 'restored'
  | 'recovered'
  | 'converted'
  | 'lost'
  | 'archived'
  | 'ignored'

export type Item = z.infer<typeof ItemSchema>
export type Contact = z.infer<typeof ContactSchema>
export type Consent = z.infer<typeof ConsentSchema>
export type Order = z.infer<typeof OrderSchema>
export type CartState = z.infer<typeof CartStateSchema>
export type StepRun = z.infer<typeof StepRunSchema>

/** A beacon from the storefront, already validated and normalised by the route. */
export type Beacon = {
  kind: 'cart' | 'contact' | 'checkout' | 'order'
  items?: Item[]
  currency?: string
  total?: number
  contact?: Contact
  /** Contact fields the shopper typed that were not valid: dropped, and journaled. */
  invalid?: ('email' | 'phone')[]
  consents?: Omit<Consent, 'at'>[]
  order?: { id: string; total: number }
  page?: string
}

/** An order as reported by the WooCommerce webhook, the storefront or the merchant. */
export type OrderReport = {
  id: string
  status: string
  paid: boolean
  total: number
  refunded: number
  currency: string
  source: 'webhook' | 'storefront' | 'merchant'
  /** When the order was placed, or now when the source does not say. */
  placedAt: number
  /** The source's modification time (WooCommerce `date_modified_gmt`), if it has one. */
  modifiedAt: number | null
}

export type MerchantAction = 'archive' | 'ignore' | 'unignore' | 'mark_recovered'

export type CartEvent =
  | { type: 'beacon.received'; beacon: Beacon }
  /**
   * The alarm; `contact` carries what the contact objects know (suppression, opt-in, caps), or
   * null when they were not asked (no step was due): then no step is decided.
   */
  | {
      type: 'timer.fired'
      contact?: Partial<ContactFacts> | null
      /** The cart's bucket in the holdout's period, when this wake may abandon it. */
      assignment?: Assignment | null
      /** The cart's bucket in each step experiment coming due (`experimentsDue`), by its id. */
      variants?: Readonly<Record<string, number>>
    }
  | { type: 'sequence.superseded'; by: string }
  | {
      type: 'contact.replied'
      /** What the text was: a keyword, a natural opt-out, an answer sent, a handoff… */
      keyword: string
      /** Details for the timeline (model, attempts, reason). */
      detail?: Record<string, string | number | boolean | null>
    }
  /** The storefront script rebuilt the cart from a restore link (never a bare GET of it). */
  | { type: 'restore.rebuilt'; step: string | null }
  | { type: 'order.reported'; order: OrderReport }
  /** A signed webhook credited the order this cart's storefront reported to cart `to`. */
  | { type: 'order.moved'; orderId: string; to: string }
  | { type: 'merchant.acted'; action: MerchantAction }
  | { type: 'contact.unsubscribed'; channel: 'email' | 'sms'; source: string }
  | { type: 'message.event'; messageId: string; step: string; event: string; at: number }
  /** A text sent for this cart outside its sequence (the SMS opt-in request). */
  | {
      type: 'message.recorded'
      messageId: string
      step: string
      channel: 'email' | 'sms'
      /** `unknown`: a text Twilio may have taken (no answer from it); never resent. */
      outcome: 'sent' | 'failed' | 'unknown'
      reason: string | null
      at: number
    }
  | {
      type: 'message.settled'
      stepId: string
      outcome: 'sent' | 'failed' | 'skipped'
      messageId: string | null
      reason: string | null
      coupon?: string | null
    }

/** A cart's bucket in [0, 1) for a holdout period (`domain/experiment/assign.ts`). */
export type Assignment = { period: string; bucket: number }

/** One line of the cart's timeline. */
export type JournalEntry = { at: number; type: string; source: JournalSource } & Record<
  string,
  JournalValue
>
/** Journal details are plain JSON values, so entries cross RPC and storage unchanged. */
export type JournalValue = string | number | boolean | null | string[]
export type JournalSource = 'storefront' | 'shopper' | 'timer' | 'webhook' | 'merchant'

/** Effects the shell runs after persisting. */
export type Effect =
  | { type: 'publish_report' }
  /** Render and send one step's message; `key` makes it happen at most once. */
  | { type: 'send_message'; stepId: string; channel: 'email' | 'sms'; key: string }

export type Refusal = { code: 'CONFLICT'; message: string }

/** Everything `next` decides: the new state, what to do, when to wake, what to journal. */
export type Transition = {
  state: CartState
  effects: Effect[]
  wakeAt: number | null
  journal: JournalEntry[]
  refused?: Refusal
}
