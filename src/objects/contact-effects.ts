import type { Adapters } from '../adapters'
import { suppress, unsuppress } from '../db/suppressions'
import type { ContactEffect, ContactEvent, SentText } from '../domain/contact/types'
import type { ContactPolicy } from '../domain/store/settings'
import { log } from '../lib/log'
import type { ConversationHost } from '../services/conversation/host'
import { giveUp, handleInbound, sendDeferred } from '../services/conversation/inbound'
import { type SendHost, sendText } from '../services/conversation/send'
import type { ContactStorage } from './contact-storage'
import { type ContactRef, cartStub } from './stubs'

/**
 * What the contact's effects use of its object. Read at each use: tests swap the object's
 * adapters and clock after it starts.
 */
export type ContactShell = {
  env: Env
  store: ContactStorage
  adapters(): Adapters
  now(): number
  /** Makes sure the object's alarm rings by `at`. */
  armBy(at: number): Promise<void>
  /** Load, decide, persist: returns the effects storage does not run itself. */
  step(event: ContactEvent, policy?: ContactPolicy): ContactEffect[]
  /** The number is opted out (the object's flag or the D1 list). */
  suppressed(ref: ContactRef): Promise<boolean>
}

/** Steps `event` and runs its effects; returns the opt-in requests that went out. */
export async function react(
  o: ContactShell,
  event: ContactEvent,
  ref?: ContactRef,
  policy?: ContactPolicy,
): Promise<SentText[]> {
  const sent: SentText[] = []
  for (const e of o.step(event, policy)) {
    const optIn = await run(o, e, ref, policy)
    if (optIn) sent.push(optIn)
  }
  return sent
}

/**
 * Runs one effect the storage does not; returns the opt-in request for the cart's timeline when
 * a new one went out.
 */
async function run(
  o: ContactShell,
  e: ContactEffect,
  ref?: ContactRef,
  policy?: ContactPolicy,
): Promise<SentText | null> {
  if (e.type === 'settle_calls') {
    const now = o.now()
    for (const id of o.store.staleCalls(e.before))
      o.store.conversation.settleCall(id, 'unknown', now)
    return null
  }
  if (!ref || !policy) throw new Error(`contact effect ${e.type} needs the contact's address`)
  const at = { storeId: ref.storeId, channel: 'sms' as const, address: ref.address }
  if (e.type === 'suppress') await suppress(o.env.DB, { ...at, source: 'reply_stop' })
  else if (e.type === 'unsuppress') await unsuppress(o.env.DB, at)
  else if (e.type === 'send_text')
    await sendText(sendHost(o, ref, policy), e.key, e.body, o.store.state().activeCart)
  else if (e.type === 'request_opt_in') return requestOptIn(o, e, ref, policy)
  return null
}

/** Asks for YES, filed under the cart the consent came from; the outcome goes back to `next`. */
async function requestOptIn(
  o: ContactShell,
  e: { cartId: string; body: string },
  ref: ContactRef,
  policy: ContactPolicy,
): Promise<SentText | null> {
  // Keyed by the consent record: a new consent after a STOP or a withdrawal asks again.
  const key = `optin-${o.store.lastConsent()?.seq}`
  const sent = await sendText(sendHost(o, ref, policy), key, e.body, e.cartId)
  const r = sent.result
  const outcome = r.ok ? 'sent' : r.code === 'outcome_unknown' ? 'unknown' : 'failed'
  o.step({ type: 'opt_in.requested', outcome }, policy)
  if (sent.repeated) return null
  return { messageId: sent.id, step: 'optin', outcome, reason: r.ok ? null : r.code, at: sent.at }
}

/**
 * Each pending text, then held replies; a failure is retried a minute later (keyed steps), and
 * leaves the rest pending.
 */
export async function work(o: ContactShell, ref: ContactRef, policy: ContactPolicy) {
  // Inside a pass a call's `calling` mark needs no alarm write of its own (issue 14): the alarm
  // that rang stays stored until the pass ends and rings again if the pass is cut off (its retry
  // settles the key), and a pass that ends schedules the settle time of any key still `calling`.
  const host = conversationHost({ ...o, armBy: async () => {} }, ref, policy)
  let failed = false
  for (const row of o.store.pendingTexts()) {
    try {
      await handleInbound(host, row)
      o.store.markHandled(row.sid)
    } catch (err) {
      failed = true
      const attempts = row.attempts + 1
      log('error', 'text handling failed', { attempts, error: String(err) })
      const rest = o.step({ type: 'handling.failed', sid: row.sid, attempts }, policy)
      if (rest.some((e) => e.type === 'give_up')) await giveUp(host, row).catch(() => {})
    }
  }
  try {
    await sendDeferred(host)
  } catch (err) {
    failed = true
    log('error', 'deferred replies failed', { error: String(err) })
  }
  o.step({ type: 'handling.finished', failed }, policy)
}

/** What sending a text uses of the object. */
export function sendHost(o: ContactShell, ref: ContactRef, policy: ContactPolicy): SendHost {
  const { env, store, now, armBy } = o
  return { env, adapters: o.adapters(), ref, policy, store: store.conversation, now, armBy }
}

/** What the conversation service may use of the object. */
function conversationHost(
  o: ContactShell,
  ref: ContactRef,
  policy: ContactPolicy,
): ConversationHost {
  const send = sendHost(o, ref, policy)
  const on = (event: ContactEvent) => react(o, event, ref, policy).then(() => {})
  return {
    ...send,
    cart: (cartId) => cartStub(o.env.CART, { storeId: ref.storeId, cartId }),
    thread: () => o.store.state().thread,
    handOff: () => void o.step({ type: 'thread.handed_off' }, policy),
    suppressed: () => o.suppressed(ref),
    optOut: (sid, alreadySuppressed) => on({ type: 'sms.opted_out', sid, alreadySuppressed }),
    optInState: () => o.store.state().optIn,
    keyword: (k, sid) =>
      on(k === 'opt_in' ? { type: 'sms.opted_in', sid } : { type: 'sms.help_asked', sid }),
    text: async (key, body, turn) => {
      const keep = turn && { ...turn, ifUnknown: false }
      return (await sendText(send, key, body, o.store.state().activeCart, keep)).result
    },
  }
}
