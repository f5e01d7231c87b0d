import type { ContactPolicy } from '../store/settings'
import { keywordOf, optOutVerdict, replies } from './keywords'
import type {
  ContactEffect,
  ContactEvent,
  ContactState,
  ContactTimers,
  ContactTransition,
} from './types'

const DAY = 86_400_000
/** Consent evidence is kept four years (TCPA limitation period), apart from cart data. */
export const RETENTION_MS = 4 * 365 * DAY
/** The SMS thread is kept a year, like the cart data it belongs to. */
export const TURN_RETENTION_MS = 365 * DAY
/** A text whose handling fails this many times goes to a person. */
export const MAX_ATTEMPTS = 5
/** A failed handling is tried again this much later. */
export const RETRY_MS = 60_000
/** Sent texts counted toward the daily cap are kept this long. */
const TEXT_HISTORY_MS = 2 * DAY
/**
 * A call still marked `calling` this long after it started was cut off, and no retry of its own
 * came back to it: longer than a call, and than a text's handling retries.
 */
export const SETTLE_AFTER_MS = 10 * 60_000

/** A contact nobody has written to yet. */
export function newContact(): ContactState {
  return { optIn: 'none', suppressed: false, thread: 'ai', activeCart: null, retryAt: null }
}

/** A sure opt-out (keyword or plain words): takes effect when the text arrives. */
export function isSureOptOut(body: string): boolean {
  return keywordOf(body) === 'opt_out' || optOutVerdict(body) === 'opt_out'
}

/** The texts sent in the day before `now` (the daily cap's count), oldest first. */
export function recentTexts(ats: number[], now: number): number[] {
  return ats.filter((at) => at > now - DAY).sort((a, b) => a - b)
}

const stay = (state: ContactState): ContactTransition => ({ state, effects: [] })
const go = (state: ContactState, ...effects: ContactEffect[]): ContactTransition => ({
  state,
  effects,
})

/**
 * The contact's next state and effects. No I/O and no clock: `now` and the policy come in.
 * Duplicates and repeats are the caller's to report (`duplicate`, `last`); every text is keyed.
 */
export function next(
  state: ContactState,
  event: ContactEvent,
  now: number,
  policy: Pick<ContactPolicy, 'storeName' | 'doubleOptIn' | 'support'>,
): ContactTransition {
  switch (event.type) {
    case 'consent.recorded': {
      const { record, last } = event
      const changed = !last || last.granted !== record.granted || last.text !== record.text
      const effects: ContactEffect[] = changed ? [{ type: 'append_consent', record }] : []
      if (event.channel !== 'sms') return go(state, ...effects)
      if (!record.granted) return go({ ...state, optIn: 'none' }, ...effects)
      // Once per consent record: a new consent after a STOP or a withdrawal asks again.
      if (!policy.doubleOptIn || state.optIn !== 'none' || state.suppressed)
        return go(state, ...effects)
      const body = replies.confirmRequest(policy.storeName)
      return go({ ...state, optIn: 'pending' }, ...effects, {
        type: 'request_opt_in',
        cartId: record.cartId,
        body,
      })
    }
    case 'opt_in.requested':
      // A request Twilio may have delivered leaves the number awaiting YES, like a sent one.
      return event.outcome === 'failed' ? stay({ ...state, optIn: 'none' }) : stay(state)
    case 'cart.registered':
      return stay({ ...state, activeCart: event.cartId })
    case 'text.counted':
      return go(state, {
        type: 'count_text',
        at: event.at,
        cartId: event.cartId,
        pruneBefore: now - TEXT_HISTORY_MS,
      })
    case 'sms.received': {
      if (event.duplicate) return stay(state)
      const optOut = isSureOptOut(event.body)
      const cartId = state.activeCart
      return go(
        // A sure opt-out holds before anything else can be sent.
        optOut ? { ...state, suppressed: true } : state,
        {
          type: 'store_inbound',
          text: {
            sid: event.sid,
            at: event.at,
            body: event.body,
            cartId,
            wasSuppressed: optOut && (state.suppressed || event.suppressed),
            optOut,
          },
        },
        {
          type: 'add_turn',
          key: `in-${event.sid}`,
          turn: { at: event.at, author: 'shopper', text: event.body, model: null },
          cartId,
        },
      )
    }
    case 'sms.opted_out': {
      const after = { ...state, suppressed: true, optIn: 'none' as const }
      // One confirmation: a STOP from a number already opted out when it arrived gets none.
      if (event.alreadySuppressed) return go(after, { type: 'suppress' })
      return go(
        after,
        { type: 'suppress' },
        text(`stop-${event.sid}`, replies.optedOut(policy.storeName)),
      )
    }
    case 'sms.opted_in':
      return go(
        { ...state, suppressed: false, optIn: 'confirmed' },
        { type: 'unsuppress' },
        text(`start-${event.sid}`, replies.confirmed(policy.storeName)),
      )
    case 'sms.help_asked':
      return go(state, text(`help-${event.sid}`, replies.help(policy.storeName, policy.support)))
    case 'thread.handed_off':
      return stay({ ...state, thread: 'needs_human' })
    case 'thread.resumed':
      return stay({ ...state, thread: 'ai' })
    case 'handling.failed': {
      const pending = event.attempts < MAX_ATTEMPTS
      const mark: ContactEffect = {
        type: 'mark_inbound',
        sid: event.sid,
        attempts: event.attempts,
        pending,
      }
      return pending ? go(state, mark) : go(state, mark, { type: 'give_up', sid: event.sid })
    }
    case 'handling.finished':
      return stay({ ...state, retryAt: event.failed ? now + RETRY_MS : null })
    case 'alarm.rang':
      return go(
        state,
        { type: 'settle_calls', before: now - SETTLE_AFTER_MS },
        { type: 'purge', consentBefore: now - RETENTION_MS, turnsBefore: now - TURN_RETENTION_MS },
      )
    default:
      return assertNever(event)
  }
}

const text = (key: string, body: string): ContactEffect => ({ type: 'send_text', key, body })

function assertNever(e: never): never {
  throw new Error(`unknown contact event ${JSON.stringify(e)}`)
}

/**
 * When the one alarm must ring: a pending text now (or at the retry), a deferred reply, an
 * interrupted call to settle, or the retention purge; null when nothing waits.
 */
export function wakeAt(state: ContactState, t: ContactTimers, now: number): number | null {
  const retryAt = state.retryAt ?? 0
  const times = [
    t.oldestCalling === null ? null : t.oldestCalling + SETTLE_AFTER_MS,
    t.pendingInbound ? Math.max(now, retryAt) : null,
    t.deferredAt === null ? null : Math.max(t.deferredAt, retryAt),
    t.oldestConsent === null ? null : t.oldestConsent + RETENTION_MS,
    t.oldestTurn === null ? null : t.oldestTurn + TURN_RETENTION_MS,
  ].filter((x): x is number => x !== null)
  return times.length === 0 ? null : Math.min(...times)
}
