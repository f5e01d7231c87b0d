// The consent ledger a merchant exports (kept four years, apart from carts), and what the
// contact knows of suppressions made elsewhere.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { contactOf, DISCLOSURE, PHONE, phoneCart, textingStore } from '#test/contacts'
import { api } from '#test/helpers'
import { contactStub } from './stubs'

describe('consent evidence export', () => {
  it('returns every record of the number as JSON and as CSV', async () => {
    const store = await textingStore(false)
    await phoneCart(store)
    const json = (await (
      await api(`/contacts/${store.id}/consent?phone=${encodeURIComponent(PHONE)}`)
    ).json()) as { records: Record<string, unknown>[] }
    expect(json.records).toEqual([
      expect.objectContaining({
        channel: 'sms',
        address: PHONE,
        granted: true,
        text: DISCLOSURE,
        source: 'storefront',
        ip: expect.any(String),
      }),
    ])
    const csv = await (
      await api(`/contacts/${store.id}/consent?phone=${encodeURIComponent(PHONE)}&format=csv`)
    ).text()
    expect(csv.split('\r\n')[0]).toBe(
      'channel,address,granted,text,at,ip,userAgent,page,cartId,source',
    )
    expect(csv).toContain(`"sms","'${PHONE}","true","${DISCLOSURE}"`)
  })

  it('keeps the evidence when the cart is deleted', async () => {
    const store = await textingStore(false)
    const { id } = await phoneCart(store)
    await api(`/carts/${store.id}/${id}/actions`, { method: 'POST', json: { action: 'delete' } })
    const json = (await (
      await api(`/contacts/${store.id}/consent?phone=${encodeURIComponent(PHONE)}`)
    ).json()) as { records: unknown[] }
    expect(json.records).toHaveLength(1)
  })

  it('purges consent records once they are four years old, and only those', async () => {
    const store = await textingStore(false)
    await phoneCart(store)
    const contact = contactOf(store)
    const fiveYears = Date.now() - 5 * 365 * 86_400_000
    await runInDurableObject(contact, (_o, s) => {
      s.storage.sql.exec(
        "INSERT INTO consent (at, granted, text, ip, user_agent, page, cart_id, source) VALUES (?, 1, 'old', NULL, NULL, NULL, 'c', 'storefront')",
        fiveYears,
      )
    })
    expect(await contact.ledger()).toHaveLength(2)
    expect(await runDurableObjectAlarm(contact)).toBe(true)
    const left = await contact.ledger()
    expect(left.map((r) => r.text)).toEqual([DISCLOSURE])
  })

  it('knows an address suppressed by an unsubscribe link or a bounce', async () => {
    const store = await textingStore(false)
    const { suppress } = await import('../db/suppressions')
    await suppress(env.DB, {
      storeId: store.id,
      channel: 'email',
      address: 'bounced@example.com',
      source: 'resend_bounced',
    })
    const ref = { storeId: store.id, channel: 'email' as const, address: 'bounced@example.com' }
    expect((await contactStub(env.CONTACT, ref).facts(ref)).suppressed).toBe(true)
    const other = { ...ref, address: 'fine@example.com' }
    expect((await contactStub(env.CONTACT, other).facts(other)).suppressed).toBe(false)
  })

  it('refuses a query without an address, or with both', async () => {
    const store = await textingStore(false)
    expect((await api(`/contacts/${store.id}/consent`)).status).toBe(400)
    expect((await api(`/contacts/${store.id}/consent?email=a@b.co&phone=1`)).status).toBe(400)
    expect((await api(`/contacts/${store.id}/consent?phone=12`)).status).toBe(400)
  })
})
