import type { Turn } from '../reply/types'

/** Double opt-in of a phone: nothing asked, YES awaited, or confirmed. */
export type OptIn = 'none' | 'pending' | 'confirmed'

/** Who answers the thread: the assistant, or a person after a handoff. */
export type ThreadState = 'ai' | 'needs_human'

/**
 * What the contact object keeps outside its tables. `suppressed` is the object's own flag after
 * a STOP it handled; the D1 suppression list stays the source of truth for every channel.
 */
export type ContactState = {
  optIn: OptIn
  suppressed: boolean
  thread: ThreadState
  activeCart: string | null
  /** When a failed handling of texts is tried again; null when nothing failed. */
  retryAt: number | null
}

/** One consent record, as the storefront (or an import) reported it. */
export type ConsentRecord = {
  granted: boolean
  text: string
  at: number
  ip: string | null
  userAgent: string | null
  page: string | null
  cartId: string
  source: string
}

/** A received text as kept until handled. */
export type InboundText = {
  sid: string
  at: number
  body: string
  cartId: string | null
  /** The number was opted out already when the text arrived (a second STOP is not confirmed). */
  wasSuppressed: boolean
  /** A sure opt-out (keyword or plain words), in effect since it arrived. */
  optOut: boolean
}

/** What happened to a contact; dotted, past tense. */
export type ContactEvent =
  | {
      type: 'consent.recorded'
      channel: 'email' | 'sms'
      record: ConsentRecord
      /** The newest record in the ledger before this one. */
      last: { granted: boolean; text: string } | null
    }
  /** The YES request went out (`sent`), may have (`unknown`), or did not (`failed`). */
  | { type: 'opt_in.requested'; outcome: 'sent' | 'unknown' | 'failed' }
  | { type: 'cart.registered'; cartId: string }
  | { type: 'text.counted'; at: number; cartId: string }
  /** `duplicate`: the SID was seen before; `suppressed`: the D1 list has the number (read for a STOP). */
  | {
      type: 'sms.received'
      sid: string
      body: string
      at: number
      duplicate: boolean
      suppressed: boolean
    }
  | { type: 'sms.opted_out'; sid: string; alreadySuppressed: boolean }
  | { type: 'sms.opted_in'; sid: string }
  | { type: 'sms.help_asked'; sid: string }
  | { type: 'thread.handed_off' }
  | { type: 'thread.resumed' }
  | { type: 'handling.failed'; sid: string; attempts: number }
  | { type: 'handling.finished'; failed: boolean }
  | { type: 'alarm.rang' }

/** What the shell does for a transition; imperative. */
export type ContactEffect =
  | { type: 'append_consent'; record: ConsentRecord }
  /** Ask for YES under the consent record just appended, filed under `cartId`. */
  | { type: 'request_opt_in'; cartId: string; body: string }
  | { type: 'send_text'; key: string; body: string }
  | { type: 'suppress' }
  | { type: 'unsuppress' }
  | { type: 'store_inbound'; text: InboundText }
  | { type: 'add_turn'; key: string; turn: Turn; cartId: string | null }
  | { type: 'count_text'; at: number; cartId: string; pruneBefore: number }
  | { type: 'mark_inbound'; sid: string; attempts: number; pending: boolean }
  | { type: 'give_up'; sid: string }
  /** Calls still `calling` that started at or before `before` are settled as unknown. */
  | { type: 'settle_calls'; before: number }
  | { type: 'purge'; consentBefore: number; turnsBefore: number }

/** A transition: the next state and what to do. */
export type ContactTransition = { state: ContactState; effects: ContactEffect[] }

/** The times the one alarm may be needed for, as storage reports them. */
export type ContactTimers = {
  pendingInbound: boolean
  /** Earliest reply waiting for daytime. */
  deferredAt: number | null
  oldestConsent: number | null
  oldestTurn: number | null
  /** Start of the oldest call still marked `calling`. */
  oldestCalling: number | null
}

/** Consent evidence as the object's callers give it. */
export type ConsentEvidence = ConsentRecord

/** A text the contact object sent for one cart outside its sequence, for that cart's timeline. */
export type SentText = {
  messageId: string
  step: string
  /** `unknown`: Twilio may have taken it (no answer); it is listed and never resent. */
  outcome: 'sent' | 'failed' | 'unknown'
  reason: string | null
  at: number
}

/** What a cart needs to know of its contact before a text. */
export type ContactFactsView = {
  suppressed: boolean
  optIn: OptIn
  consent: { granted: boolean; at: number } | null
  recentTexts: number[]
}
