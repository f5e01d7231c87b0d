// Provider calls over real HTTP (test/fakes/global-setup.ts): carts and contacts with a phone
// and SMS consent, providers swapped inside the objects, Twilio's fake (or hung) API, and what the
// objects and D1 recorded. Imported as `#test/provider-calls`.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { inject } from 'vitest'
import { createAdapters } from '../src/adapters'
import { twilioSms } from '../src/adapters/sms/twilio'
import type { SmsMessage, SmsSender } from '../src/adapters/sms/types'
import type { SendResult } from '../src/adapters/types'
import type { CartState } from '../src/domain/cart/types'
import type { CartObject } from '../src/objects/cart-object'
import type { ContactObject } from '../src/objects/contact-object'
import { contactStub } from '../src/objects/stubs'
import { age, contactCart } from './carts'
import { type Patch, useAdapters } from './delivery'
import { api, createStore } from './helpers'
import { twilioPost } from './texts'
import { middayZone } from './zones'

export { type Patch, useAdapters }

// A UK mobile at midday in the browser's zone: quiet hours never hold these tests back.
export const PHONE = '+447911123456'
export const TIMEOUT_MS = 200
export const HOUR = 3_600_000
export const CONSENT = { sms: true, text: 'Text me cart reminders. Reply STOP to opt out.' }

export const step = (id: string, channel: 'email' | 'sms', delaySeconds: number) =>
  channel === 'email'
    ? {
        id,
        channel,
        delaySeconds,
        windowSeconds: 86_400,
        template: {
          subject: 'Your cart',
          heading: 'Hi',
          body: 'Total {{total}}',
          buttonLabel: 'Return',
        },
      }
    : {
        id,
        channel,
        delaySeconds,
        windowSeconds: 86_400,
        template: { body: 'Back: {{restoreUrl}}' },
      }

/** A cart with an email, a phone and SMS consent, of a store with these steps (not abandoned yet). */
export async function abandonedCart(steps: (ReturnType<typeof step> & { incentive?: object })[]) {
  const store = await createStore({
    settings: {
      inactivitySeconds: 60,
      sender: { fromEmail: 'shop@acme.example', fromName: 'Acme', postalAddress: '1 Main St' },
      sms: { doubleOptIn: false, fromNumber: '+14155550000' },
      sequence: steps,
    },
  })
  const contact = { email: 'ada@example.com', phone: PHONE, timezone: middayZone() }
  return { store, ...(await contactCart(store, contact, { consent: CONSENT })) }
}

/** Runs the alarm as if `ms` had passed since the cart's steps were planned. */
export async function later(stub: DurableObjectStub<CartObject>, ms: number, patch: Patch = {}) {
  await runInDurableObject(stub, (_o, s) => {
    const st = s.storage.kv.get<CartState>('state')!
    const shift = (t: number | null) => (t === null ? null : t - ms)
    s.storage.kv.put('state', {
      ...st,
      abandonedAt: shift(st.abandonedAt),
      abandonDueAt: shift(st.abandonDueAt),
      runs: st.runs.map((r) => ({ ...r, dueAt: r.dueAt - ms, notBefore: shift(r.notBefore) })),
    })
    s.storage.sql.exec('UPDATE outbox SET next_at = 0')
  })
  await age(stub, 0)
  await useAdapters(stub, patch)
  await runDurableObjectAlarm(stub)
}

/** Abandons the cart through its alarm with these providers in place; returns how long it took. */
export async function abandonWith(stub: DurableObjectStub<CartObject>, patch: Patch) {
  await age(stub, 61_000)
  await useAdapters(stub, patch)
  const started = Date.now()
  await runDurableObjectAlarm(stub)
  return Date.now() - started
}

export const runsOf = async (stub: DurableObjectStub<CartObject>) =>
  (await stub.snapshot())!.state.runs.map((r) => [r.id, r.status, r.reason])

export const hung = () => inject('hungProviderUrl')

export const twilioApi = () => inject('twilioApiUrl')

/**
 * Twilio's REST API over real HTTP at `baseUrl` (the fake one, or the hung one). Every text it
 * is asked to send lands in `sent` and every answer in `answers`; `after` runs once Twilio has
 * answered, and may throw: the object dies there, the text taken but our record of it not made.
 */
export function twilioAt(
  baseUrl: string,
  log: { sent: SmsMessage[]; answers: SendResult[] },
  after: () => void = () => {},
  accountSid = 'AC00000000000000000000000000000001',
): SmsSender {
  const twilio = twilioSms({
    accountSid,
    authToken: 'twilio-token',
    baseUrl,
    timeoutMs: TIMEOUT_MS,
  })
  return {
    ...twilio,
    async send(m, o) {
      log.sent.push(m)
      const answer = await twilio.send(m, o)
      log.answers.push(answer)
      after()
      return answer
    },
  }
}

/** The fake's account that is always answered 429 (test/fakes/twilio.ts `RATE_LIMITED_ACCOUNT`). */
export const RATE_LIMITED = 'AC00000000000000000000000000000429'
export const rateLimited = (log: ReturnType<typeof calls>) =>
  twilioAt(twilioApi(), log, () => {}, RATE_LIMITED)
export const crashAfterCall = (log: ReturnType<typeof calls>) =>
  twilioAt(twilioApi(), log, () => {
    throw new Error('object evicted before the answer was recorded')
  })

export const calls = () => ({ sent: [] as SmsMessage[], answers: [] as SendResult[] })
export const sidOf = (r: SendResult | undefined) => (r?.ok ? r.providerId : null)
export const idIn = (m: SmsMessage | undefined) => new URL(m!.statusCallback).searchParams.get('m')!

export const messageRows = async (where: string, ...params: string[]) =>
  (
    await env.DB.prepare(
      `SELECT id, step_id, cart_id, status, provider, provider_id, error FROM messages WHERE ${where}`,
    )
      .bind(...params)
      .all<Record<string, string | null>>()
  ).results

export const outboxOf = (stub: DurableObjectStub<CartObject>) =>
  runInDurableObject(stub, (_o, s) =>
    s.storage.sql
      .exec("SELECT state, attempts, last_error FROM outbox WHERE kind = 'message'")
      .toArray(),
  )

export const textsToday = async (storeId: string) => {
  const ref = { storeId, channel: 'sms' as const, address: PHONE }
  return (await contactStub(env.CONTACT, ref).facts(ref)).recentTexts.length
}

/** Twilio's signed status callback for one of our texts (our id in the URL, as we gave it). */
export const statusCallback = (storeId: string, messageId: string, sid: string, status: string) =>
  twilioPost(`/webhooks/twilio/${storeId}/status?m=${messageId}`, {
    MessageSid: sid,
    MessageStatus: status,
    AccountSid: 'AC00000000000000000000000000000001',
    To: PHONE,
  })

export const refOf = (storeId: string) => ({ storeId, channel: 'sms' as const, address: PHONE })
export const contactOf = (storeId: string) => contactStub(env.CONTACT, refOf(storeId))

/**
 * The contact object's providers (reset by every restart), and its clock, by default five
 * minutes ahead of the runtime's: the alarm it arms for a text is then not due for the runtime,
 * so only `handled` rings it, and handling is over when that returns.
 */
export async function useContactAdapters(
  storeId: string,
  patch: Patch & { failResponder?: boolean },
  clock: 'ahead' | 'runtime' = 'ahead',
) {
  const { failResponder, ...rest } = patch
  const base = createAdapters(env)
  await runInDurableObject(contactOf(storeId), (o: ContactObject) => {
    if (clock === 'ahead') o.clock = () => Date.now() + 5 * 60_000
    Object.assign(o, {
      adapters: {
        ...base,
        ...rest,
        responder: (model: string) => {
          if (failResponder) throw new Error('object evicted while drafting the answer')
          return base.responder(model)
        },
      },
    })
  })
}

/** Rings the contact's alarm (it may throw: a cut-off call); then no text is left unhandled. */
export async function handled(storeId: string) {
  await runDurableObjectAlarm(contactOf(storeId)).catch(() => false)
  const row = await runInDurableObject(contactOf(storeId), (_o, s) =>
    s.storage.sql
      .exec<{ pending: number; attempts: number }>(
        'SELECT COALESCE(SUM(pending), 0) AS pending, COALESCE(MAX(attempts), 0) AS attempts FROM inbound',
      )
      .one(),
  )
  if (row.pending === 0 || row.attempts > 0) return row
  throw new Error('the text was never handled')
}

/** A restart of the contact object, then its retry (due a minute later) run now. */
export async function restartAndRetry(storeId: string, patch: Patch) {
  await evictDurableObject(contactOf(storeId))
  await runInDurableObject(contactOf(storeId), (_o, s) => s.storage.kv.delete('retryAt'))
  await useContactAdapters(storeId, patch)
  return handled(storeId)
}

export const replyKeys = (storeId: string) =>
  runInDurableObject(contactOf(storeId), (_o, s) =>
    s.storage.sql.exec<{ state: string }>('SELECT state FROM replies').toArray(),
  )

export const alarmOf = (storeId: string) =>
  runInDurableObject(contactOf(storeId), (_o, s) => s.storage.getAlarm())
export const replyTo = (storeId: string, id: string, text: string, key?: string) =>
  api(`/carts/${storeId}/${id}/reply`, {
    method: 'POST',
    json: { text },
    ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
  })
