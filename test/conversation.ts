// The assistant's store and a shopper's cart, shared by the two-way SMS tests.
import type { Store } from '../src/db/stores'
import { clockAhead, MIDDAY, phoneCart } from './contacts'
import { api, createStore } from './helpers'

/** A store whose assistant knows shipping and returns and may offer 10% off. */
export async function assistantStore(over: Record<string, unknown> = {}): Promise<Store> {
  const store = await createStore({
    name: 'Harbor Goods',
    settings: {
      inactivitySeconds: 60,
      sms: { doubleOptIn: false },
      sender: {
        fromEmail: 'shop@harbor.example',
        supportEmail: 'help@harbor.example',
        postalAddress: '1 Pier Rd, Portland, ME 04101',
      },
      knowledgeBase: {
        shipping: 'We ship to the US and Canada; Canada takes 5-8 business days.',
        returns: 'Returns are free within 30 days.',
      },
      ai: { incentive: { kind: 'percent', amount: 10, validForSeconds: 86_400 } },
      sequence: [
        {
          id: 'sms-later',
          channel: 'sms',
          delaySeconds: 0,
          windowSeconds: 86_400,
          template: { body: '{{storeName}}: your cart is waiting {{restoreUrl}}' },
        },
      ],
      ...over,
    },
  })
  await api(`/stores/${store.id}`, {
    method: 'PATCH',
    json: {
      woocommerceApi: { consumerKey: 'ck_1234567890abcdef', consumerSecret: 'cs_1234567890abcdef' },
    },
  })
  return store
}

/** A shopper's cart with their phone and email; the contact's clock is put ahead (`clockAhead`). */
export async function cartWithPhone(store: Store, timezone = MIDDAY) {
  const consent = 'Text me about my cart. Reply STOP to opt out.'
  const cart = await phoneCart(store, {
    timezone,
    email: 'ada@example.com',
    currency: 'USD',
    consent,
  })
  await clockAhead(store)
  return cart
}
