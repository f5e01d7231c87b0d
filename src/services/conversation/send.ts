import type { Adapters } from '../../adapters'
import { statusCallbackUrl } from '../../adapters/sms/types'
import type { SendResult } from '../../adapters/types'
import { writeMessageReports } from '../../db/projection'
import { SETTLE_AFTER_MS } from '../../domain/contact/machine'
import type { MessageReport } from '../../domain/message/report'
import type { ContactRef } from '../../domain/refs'
import type { Turn } from '../../domain/reply/types'
import type { ContactPolicy } from '../../domain/store/settings'
import { log } from '../../lib/log'
import { messageIdFor } from '../delivery/codes'
import type { ConversationStore } from './store'

/** What sending a text to a contact uses of its object. */
export type SendHost = {
  env: Env
  adapters: Adapters
  ref: ContactRef
  policy: ContactPolicy
  store: ConversationStore
  now(): number
  /** Makes sure the object's alarm rings by `at` (it settles a call cut off by a crash). */
  armBy(at: number): Promise<void>
}

/**
 * The thread's turn for a text, kept in the same commit as its key's settled mark (one commit
 * fewer per answer; a crash cannot leave one without the other): when it went out, or, with
 * `ifUnknown`, when Twilio may have taken it.
 */
export type TurnOnSend = {
  turn: Omit<Turn, 'at'>
  cartId: string | null
  ifUnknown: boolean
}

/** One text's outcome: `repeated` when the key went out (or may have) before and nothing now. */
export type Sent = { id: string; at: number; result: SendResult; repeated: boolean }

const ALREADY_SENT: SendResult = { ok: true, providerId: 'already-sent' }
const UNKNOWN: SendResult = {
  ok: false,
  retryable: false,
  code: 'outcome_unknown',
  message: 'Cut off during the call: Twilio may have taken the text.',
}
const NO_SENDER: SendResult = {
  ok: false,
  retryable: false,
  code: 'no_sms_sender',
  message: 'The store has no Messaging Service or number.',
}

/**
 * Sends a text once per key, filed under `cartId`, and lists it in D1. Twilio has no idempotency
 * key, so the text is listed `unknown` and its key marked `calling` before the call: a key found
 * `calling` again (a crash after the mark) may have been sent, and is settled as unknown, never
 * resent. A key that never reached the mark is simply sent.
 */
export async function sendText(
  h: SendHost,
  key: string,
  body: string,
  cartId: string | null,
  turn?: TurnOnSend,
): Promise<Sent> {
  const { ref, adapters } = h
  const id = await messageIdFor(`${ref.storeId}:${ref.address}:${key}`)
  const sms = adapters.sms
  const keep = (result: SendResult) => keepTurn(h, key, result, turn)
  const before = repeat(h, id, keep)
  if (before) return before
  const from = h.policy.smsFrom ?? (sms.provider === 'outbox' ? { number: 'outbox' } : null)
  const now = h.now()
  const report = (result: SendResult | null): MessageReport => ({
    kind: 'message',
    id,
    storeId: ref.storeId,
    cartId: cartId ?? '-',
    stepId: key.replace(/-.*$/, ''),
    channel: 'sms',
    to: ref.address,
    status: !result
      ? 'unknown'
      : result.ok
        ? sms.provider === 'twilio'
          ? 'accepted'
          : 'sent'
        : result.code === 'outcome_unknown'
          ? 'unknown'
          : 'failed',
    subject: null,
    preheader: null,
    text: body,
    html: null,
    provider: sms.provider,
    providerId: result?.ok ? result.providerId : null,
    error: result && !result.ok ? result.code : null,
    createdAt: now,
    updatedAt: h.now(),
  })
  let result: SendResult = NO_SENDER
  if (from) {
    // Listed before the call, so Twilio's status callback (?m=<id>) always finds the row.
    if (!sms.idempotent) {
      await recordMessage(h, report(null))
      // The same key sent meanwhile (a double submission) while D1 answered: not again.
      const meanwhile = repeat(h, id, keep)
      if (meanwhile) return meanwhile
    }
    h.store.markCalling(id, now, cartId)
    // The caller's own alarm update runs only if it survives (a merchant's reply has none).
    await h.armBy(now + SETTLE_AFTER_MS)
    result = await sms.send(
      {
        to: ref.address,
        body,
        from,
        statusCallback: statusCallbackUrl(h.policy.baseUrl, ref.storeId, id),
      },
      { idempotencyKey: id },
    )
    // Kept once it went out (or may have), with its turn and no await between (one commit); a
    // refused send may be tried again later.
    if (result.ok) h.store.settleCall(id, 'sent', h.now())
    else if (result.code === 'outcome_unknown') h.store.settleCall(id, 'unknown', h.now())
    else h.store.dropCall(id)
    keep(result)
  }
  if (!result.ok) log('warn', 'contact reply not sent', { code: result.code })
  await recordMessage(h, report(result))
  return { id, at: now, result, repeated: false }
}

/**
 * What `sendText` answers for a key already marked, without sending; null if unmarked. The turn
 * is kept again (once per key): a mark settled before marks and turns shared a commit may lack it.
 */
function repeat(h: SendHost, id: string, keep: (r: SendResult) => void): Sent | null {
  const mark = h.store.callMark(id)
  const at = h.now()
  const answer = (result: SendResult, repeated: boolean): Sent => {
    keep(result)
    return { id, at, result, repeated }
  }
  if (mark === 'sent') return answer(ALREADY_SENT, true)
  if (mark === 'unknown') return answer(UNKNOWN, true)
  if (mark === 'calling' && !h.adapters.sms.idempotent) {
    h.store.settleCall(id, 'unknown', at)
    return answer(UNKNOWN, false)
  }
  return null
}

function keepTurn(h: SendHost, key: string, r: SendResult, t: TurnOnSend | undefined): void {
  if (!t || !(r.ok || (t.ifUnknown && r.code === 'outcome_unknown'))) return
  h.store.addTurn(key, { ...t.turn, at: h.now() }, t.cartId)
}

/**
 * The message row goes to D1 now, so that Twilio's status callback, which can come back before
 * our own answer is written, finds it; the Queue when D1 does not answer.
 */
async function recordMessage(h: SendHost, report: MessageReport): Promise<void> {
  try {
    await writeMessageReports(h.env.DB, [report])
  } catch (err) {
    log('warn', 'message row via queue', { error: String(err) })
    await h.adapters.reports.publish(report)
  }
}
