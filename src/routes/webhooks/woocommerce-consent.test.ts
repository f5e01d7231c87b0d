// The SMS consent the Cartback plugin saves on the order (`_cartback_sms_consent`), arriving with
// WooCommerce's signed order webhook and kept in the phone's consent ledger.
import { describe, expect, it } from 'vitest'
import { api, createStore, waitForRow } from '#test/helpers'
import { cartIn, meta, signed, wooOrder } from '#test/woocommerce'
import type { Store } from '../../db/stores'

// The billing phone of `wooOrder`, in the store's default country (US).
const PHONE = '+14155552671'
const SEEN = 'Text me about my cart at Acme. Msg & data rates may apply. Reply STOP to cancel.'
const AT = '2026-11-20T10:00:00Z'

/** The meta as the plugin writes it: `wp_json_encode` of the evidence (slashes escaped). */
function consentMeta(evidence: Record<string, unknown>) {
  const value = JSON.stringify({
    granted: true,
    text: SEEN,
    at: AT,
    ip: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
    page: 'https://shop.example/checkout/',
    phone: '(415) 555-2671',
    ...evidence,
  }).replace(/\//g, '\\/')
  return { id: 2, key: '_cartback_sms_consent', value }
}

const store = () =>
  createStore({
    settings: {
      inactivitySeconds: 60,
      attributionWindowSeconds: 3600,
      sms: { doubleOptIn: false },
      storefront: { smsDisclosure: 'The store says something else now. Reply STOP to cancel.' },
    },
  })

async function ledger(s: Store, phone = PHONE) {
  const res = await api(`/contacts/${s.id}/consent?phone=${encodeURIComponent(phone)}`)
  expect(res.status).toBe(200)
  return ((await res.json()) as { records: Record<string, unknown>[] }).records
}

describe('consent evidence with the WooCommerce order', () => {
  it('records what the shopper saw and ticked: text, time, IP, browser, page, for the billing phone', async () => {
    const s = await store()
    const { id } = await cartIn(s)
    const res = await signed(s, wooOrder({ meta_data: [...meta(id), consentMeta({})] }))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ matched: true, cart: id })
    expect(await ledger(s)).toEqual([
      {
        channel: 'sms',
        address: PHONE,
        granted: true,
        text: SEEN,
        at: '2026-11-20T10:00:00.000Z',
        ip: '203.0.113.7',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
        page: 'https://shop.example/checkout/',
        cartId: id,
        source: 'plugin',
      },
    ])
  })

  it('records an unticked box as a refusal, after an earlier consent', async () => {
    const s = await store()
    await signed(s, wooOrder({ meta_data: [consentMeta({})] }))
    const res = await signed(
      s,
      wooOrder({
        id: 5002,
        meta_data: [consentMeta({ granted: false, at: '2026-11-21T09:00:00Z' })],
      }),
    )
    expect(res.status).toBe(200)
    const records = await ledger(s)
    expect(records.map((r) => [r.granted, r.text, r.at, r.cartId])).toEqual([
      [true, SEEN, '2026-11-20T10:00:00.000Z', ''],
      [false, SEEN, '2026-11-21T09:00:00.000Z', ''],
    ])
  })

  it('adds nothing on a redelivery or a later update of the same order, even after a refusal', async () => {
    const s = await store()
    const ticked = wooOrder({ meta_data: [consentMeta({})] })
    await signed(s, ticked)
    await signed(s, ticked)
    await signed(s, { ...ticked, status: 'completed' })
    expect(await ledger(s)).toHaveLength(1)
    // The shopper refuses on a later order; the first order's next update must not revive consent.
    await signed(
      s,
      wooOrder({
        id: 5002,
        meta_data: [consentMeta({ granted: false, at: '2026-11-21T09:00:00Z' })],
      }),
    )
    await signed(s, { ...ticked, status: 'completed' })
    expect((await ledger(s)).map((r) => r.granted)).toEqual([true, false])
  })

  it('asks for YES under double opt-in, filed under the cart the order names, as the storefront does', async () => {
    const s = await createStore({
      settings: {
        inactivitySeconds: 60,
        attributionWindowSeconds: 3600,
        sms: { doubleOptIn: true },
      },
    })
    const { id } = await cartIn(s)
    await signed(s, wooOrder({ meta_data: [...meta(id), consentMeta({})] }))
    const ask = await waitForRow<{ cart_id: string; text: string }>(
      "SELECT cart_id, text FROM messages WHERE store_id = ? AND step_id = 'optin'",
      s.id,
    )
    expect(ask).toMatchObject({ cart_id: id, text: expect.stringContaining('YES') })
  })

  it("uses the meta's phone when the order has no billing phone", async () => {
    const s = await store()
    const res = await signed(
      s,
      wooOrder({
        billing: { email: 'shopper@example.com' },
        meta_data: [consentMeta({ phone: '415-555-2672' })],
      }),
    )
    expect(res.status).toBe(200)
    expect(await ledger(s, '+14155552672')).toEqual([
      expect.objectContaining({ granted: true, text: SEEN, source: 'plugin' }),
    ])
  })

  it.each([
    ['not JSON', { id: 2, key: '_cartback_sms_consent', value: '{granted: yes' }],
    ['without the text', consentMeta({ text: '' })],
    ['with granted as a string', consentMeta({ granted: 'yes' })],
    ['with an invalid time', consentMeta({ at: 'yesterday' })],
    ['with a time without a zone', consentMeta({ at: '2026-11-20 10:00:00' })],
    ['with a javascript: page', consentMeta({ page: 'javascript:alert(1)' })],
  ])('counts the order and records nothing for a meta %s', async (_, bad) => {
    const s = await store()
    const { id, stub } = await cartIn(s)
    const res = await signed(s, wooOrder({ meta_data: [...meta(id), bad] }))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ ok: true, matched: true, cart: id })
    expect((await stub.snapshot())!.state.order).toMatchObject({ id: '5001', paid: true })
    expect(await ledger(s)).toEqual([])
  })
})
