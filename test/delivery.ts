// Sequence delivery through a cart's own alarm: a store whose steps start at abandonment, a cart
// abandoned with an email or a phone, the providers swapped inside the object, and what its
// outbox holds. Imported as `#test/delivery`.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { createAdapters } from '../src/adapters'
import type { CouponIssuer } from '../src/adapters/coupons/types'
import type { EmailSender } from '../src/adapters/email/types'
import type { SmsSender } from '../src/adapters/sms/types'
import type { CartObject } from '../src/objects/cart-object'
import { age, contactCart } from './carts'
import { createStore } from './helpers'
import { middayZone } from './zones'

export const SECRET = 'test-signing-secret-0123456789abcdef'
/** `{ consumerKey: ck_legacy…, consumerSecret: cs_legacy… }` sealed by the first secret-box format. */
export const V1_BOX =
  'v1.LHmk8vxYvFGK8OroswPWHDP0X2_qGnngu8QWMtHXQCWyvqT34EGFEpqezxyxsU4zDkyoGa2c4RjM7745NuNVQMXW1fBUDTnn_9-DIqkq0iWHiTAkWKYb4vBmd9bHZEGI4lY288NxtoM'

// A UK mobile with a browser zone where it is midday now: quiet hours never hold these tests
// back, whatever time the suite runs (US quiet hours are covered with a fixed clock in policy).
export const PHONE = '+447911123456'
export const MIDDAY = middayZone()
export const DISCLOSURE = 'Text me cart reminders. Reply STOP to opt out.'

/** A store whose sequence starts right at abandonment: an email, then a text. */
export async function storeWithSequence(extra: Record<string, unknown> = {}) {
  return createStore({
    settings: {
      inactivitySeconds: 60,
      attributionWindowSeconds: 7 * 86_400,
      sender: {
        fromEmail: 'shop@acme.example',
        fromName: 'Acme',
        postalAddress: '1 Market St, San Francisco, CA',
      },
      sms: { doubleOptIn: false },
      sequence: [
        {
          id: 'email-now',
          channel: 'email',
          delaySeconds: 0,
          windowSeconds: 86_400,
          template: {
            subject: 'Your {{storeName}} cart',
            heading: 'Hi {{firstName}}',
            body: 'Total {{total}}',
            buttonLabel: 'Return',
          },
        },
        {
          id: 'sms-now',
          channel: 'sms',
          delaySeconds: 0,
          windowSeconds: 86_400,
          template: { body: '{{storeName}}: finish here {{restoreUrl}}' },
        },
      ],
      ...extra,
    },
  })
}

export async function abandonedCart(
  contact: Record<string, string> = { email: 'ada@example.com', firstName: 'Ada' },
  consent = false,
  settings: Record<string, unknown> = {},
) {
  const store = await storeWithSequence(settings)
  const { id, stub } = await contactCart(
    store,
    contact.phone ? { ...contact, timezone: MIDDAY } : contact,
    consent ? { consent: { sms: true, text: DISCLOSURE } } : {},
  )
  return { store, id, stub }
}

export const stateOf = async (stub: DurableObjectStub<CartObject>) => (await stub.snapshot())!.state
export const outboxOf = (stub: DurableObjectStub<CartObject>) =>
  runInDurableObject(stub, (_o, s) =>
    s.storage.sql
      .exec<{ id: string; state: string; attempts: number; last_error: string | null }>(
        "SELECT id, state, attempts, last_error FROM outbox WHERE kind = 'message'",
      )
      .toArray(),
  )

export type Patch = { email?: EmailSender; sms?: SmsSender; coupons?: CouponIssuer }

/** Resend (which drops repeats of an idempotency key) as the network answers `send`. */
export const resendAnswering = (send: EmailSender['send']): EmailSender => ({
  provider: 'resend',
  idempotent: true,
  send,
})

/** Resend refusing every send with `code` (`retryable`: worth retrying). */
export const resendRefusing = (code: string, retryable: boolean, message: string) =>
  resendAnswering(async () => ({ ok: false, retryable, code, message }))

/**
 * Replaces the provider adapters inside the object, as the network they stand for (reset by
 * every restart).
 */
export async function useAdapters(stub: DurableObjectStub<CartObject>, patch: Patch) {
  await runInDurableObject(stub, (o: CartObject) => {
    Object.assign(o, { adapters: { ...createAdapters(env), ...patch } })
  })
}

/** Abandons the cart through its alarm with these providers in place (after the restart `age` causes). */
export async function abandonWith(stub: DurableObjectStub<CartObject>, patch: Patch) {
  await age(stub, 61_000)
  await useAdapters(stub, patch)
  await runDurableObjectAlarm(stub).catch(() => false)
}
