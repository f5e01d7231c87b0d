// Contacts through the storefront and Twilio's webhook: a phone's cart and consent, its texts,
// its contact object (clock, adapters, alarm) and what the cart's detail shows of the thread.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { type Adapters, createAdapters } from '../src/adapters'
import { type Store, storeById } from '../src/db/stores'
import { contactPolicy } from '../src/domain/store/settings'
import type { CartObject } from '../src/objects/cart-object'
import type { ContactObject } from '../src/objects/contact-object'
import { contactStub } from '../src/objects/stubs'
import { age, contactCart } from './carts'
import { createStore } from './helpers'
import { middayZone } from './zones'

// A UK mobile with a browser zone where it is midday now, so quiet hours never interfere.
export const PHONE = '+447911123456'
export const MIDDAY = middayZone()

/** A store that texts a reminder at once, with or without double opt-in. */
export async function textingStore(doubleOptIn = true): Promise<Store> {
  return createStore({
    settings: {
      inactivitySeconds: 60,
      sms: { doubleOptIn },
      sender: { supportEmail: 'help@acme.example' },
      sequence: [
        {
          id: 'sms-now',
          channel: 'sms',
          delaySeconds: 0,
          windowSeconds: 86_400,
          template: { body: '{{storeName}}: {{restoreUrl}}' },
        },
      ],
    },
  })
}

/** The disclosure the storefront showed with the SMS checkbox. */
export const DISCLOSURE = 'Text me cart reminders from Acme. Reply STOP to opt out.'

/** A cart whose shopper gave a phone and consented to texts (`consent`: the disclosure shown). */
export async function phoneCart(
  store: Store,
  o: {
    phone?: string
    timezone?: string
    email?: string
    currency?: string
    consent?: string
  } = {},
) {
  const contact = {
    phone: o.phone ?? PHONE,
    timezone: o.timezone ?? MIDDAY,
    ...(o.email ? { email: o.email } : {}),
  }
  return contactCart(store, contact, {
    ...(o.currency ? { currency: o.currency } : {}),
    consent: { sms: true, text: o.consent ?? DISCLOSURE },
  })
}

/** Abandons the cart and lets its alarm decide its first step: that step's run. */
export async function abandonNow(stub: DurableObjectStub<CartObject>) {
  await age(stub, 61_000)
  await runInDurableObject(stub, (o: CartObject) => o.alarm())
  return (await stub.snapshot())!.state.runs[0]
}

export const contactOf = (store: Store, phone = PHONE) =>
  contactStub(env.CONTACT, { storeId: store.id, channel: 'sms', address: phone })

/** The contact's policy as the webhook hands it over. */
export const policyOf = async (storeId: string) =>
  contactPolicy((await storeById(env.DB, storeId))!, 'https://cartback.test')

/** A fresh Twilio message SID. */
/**
 * The contact's clock runs five minutes ahead of the runtime's: the alarm it arms for a text is
 * not due yet for the runtime, so only the test rings it, and handling is over when it returns.
 * Five minutes keeps a just-received text under the 15-minute night rule.
 */
const AHEAD_MS = 5 * 60_000
export const clockAhead = (store: Store) =>
  runInDurableObject(contactOf(store), (o: ContactObject) => {
    o.clock = () => Date.now() + AHEAD_MS
  })

/** Gives the contact object `make(its real adapters)`: the network they stand for, faked. */
export const withAdapters = (store: Store, make: (base: Adapters) => Adapters) =>
  runInDurableObject(contactOf(store), (o: ContactObject) => {
    Object.assign(o, { adapters: make(createAdapters(env)) })
  })

type SmsSend = Adapters['sms']['send']
/** Gives the contact object an SMS adapter whose `send` is `make(the real send)`. */
export const withSmsSend = (store: Store, make: (real: SmsSend) => SmsSend) =>
  withAdapters(store, (base) => ({
    ...base,
    sms: { ...base.sms, send: make(base.sms.send.bind(base.sms)) },
  }))
