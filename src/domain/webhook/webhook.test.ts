import { describe, expect, it } from 'vitest'
import { shopper } from '#test/domain/cart'
import { T0 } from '#test/domain/clock'
import { CART_STATUSES } from '../cart/schema'
import type { JournalEntry } from '../cart/types'
import { EventList, endpointUrlProblem } from './endpoint'
import { dataProblem, EVENT_TYPES, type Happened, STATUSES, webhookJsonSchemas } from './events'
import { cartHappenings, contactHappening } from './happenings'
import { forEndpoint, maskContact, maskEmail, maskPhone, maskText } from './mask'
import { GIVE_UP_AFTER_MS, givesUp, nextAttemptAt, RETRY_DELAYS_MS, verdict } from './retry'

const envelope = (h: Happened) => ({
  id: 'evt_1',
  type: h.type,
  timestamp: new Date(h.at).toISOString(),
  storeId: 'st_1',
  data: h.data as Record<string, unknown>,
})

const entry = (type: string, more: Record<string, unknown> = {}): JournalEntry =>
  ({ at: T0, type, source: 'timer', ...more }) as JournalEntry

describe('cart events', () => {
  const cart = shopper({
    status: 'recovered',
    abandonedAt: T0,
    contact: { email: 'ada@example.com', phone: '+12125550123', firstName: 'Ada' },
    order: {
      id: '1042',
      status: 'processing',
      paid: true,
      total: 2400,
      refunded: 0,
      currency: 'USD',
      source: 'webhook',
      placedAt: T0,
      modifiedAt: null,
      updatedAt: T0,
      statusBefore: 'abandoned',
    },
  })

  it('makes one event per journaled happening, each conforming to its schema', () => {
    const made = cartHappenings(
      [
        entry('cart.abandoned'),
        entry('message.sent', { step: 'e1', channel: 'email', messageId: 'msg_1' }),
        entry('message.failed', {
          step: 's1',
          channel: 'sms',
          messageId: null,
          reason: 'no_consent',
        }),
        entry('cart.restored', { step: 'e1', source: 'shopper' }),
        entry('cart.recovered', { revenue: 2400, step: 'e1', channel: 'email', via: 'link' }),
        entry('cart.converted'),
        entry('cart.lost'),
        entry('contact.unsubscribed', { channel: 'email', via: 'one_click', source: 'shopper' }),
      ],
      cart,
    )
    expect(made.map((h) => h.type)).toEqual([
      'cart.abandoned',
      'message.sent',
      'message.failed',
      'cart.restored',
      'cart.recovered',
      'cart.converted',
      'cart.lost',
      'contact.opted_out',
    ])
    for (const h of made) expect(dataProblem(envelope(h)), h.type).toBeNull()
    expect(new Set(made.map((h) => h.stream))).toEqual(new Set([`cart:${cart.cartId}`]))
  })

  it('names only the channel’s own address in message events', () => {
    const [email, sms] = cartHappenings(
      [
        entry('message.sent', { step: 'e1', channel: 'email', messageId: 'm' }),
        entry('message.sent', { step: 's1', channel: 'sms', messageId: 'n' }),
      ],
      cart,
    )
    expect(email?.data).toMatchObject({ contact: { email: 'ada@example.com', firstName: 'Ada' } })
    expect(email?.data.contact).not.toHaveProperty('phone')
    expect(sms?.data.contact).toEqual({ phone: '+12125550123', firstName: 'Ada' })
  })

  it('makes nothing for entries no endpoint cares about, nor for notes of other messages', () => {
    const made = cartHappenings(
      [
        entry('cart.updated'),
        entry('message.sent', { step: 'optin', channel: 'sms', source: 'storefront' }),
        entry('contact.unsubscribed', { channel: 'sms' }),
      ],
      cart,
    )
    expect(made).toEqual([])
  })

  it('credits the variant sent in a recovery', () => {
    const [r] = cartHappenings(
      [
        entry('cart.recovered', {
          revenue: 2000,
          step: 'e1',
          channel: 'email',
          variant: 'b',
          experiment: 'exp_1',
        }),
      ],
      cart,
    )
    expect(r?.data).toMatchObject({
      revenue: 2000,
      order: { id: '1042', total: 2400 },
      attribution: { step: 'e1', channel: 'email', variant: 'b', experiment: 'exp_1' },
    })
  })
})

describe('contact events', () => {
  it('maps texts, opt-outs, opt-ins and handoffs, skipping repeats', () => {
    const phone = '+12125550123'
    const made = [
      contactHappening(
        { type: 'sms.received', body: 'where is my order?', at: T0, duplicate: false },
        phone,
        'c1',
        T0,
      ),
      contactHappening(
        { type: 'sms.received', body: 'again', at: T0, duplicate: true },
        phone,
        'c1',
        T0,
      ),
      contactHappening({ type: 'sms.opted_out', alreadySuppressed: false }, phone, 'c1', T0),
      contactHappening({ type: 'sms.opted_out', alreadySuppressed: true }, phone, 'c1', T0),
      contactHappening({ type: 'sms.opted_in' }, phone, null, T0),
      contactHappening({ type: 'thread.handed_off' }, phone, 'c1', T0),
    ]
    expect(made.map((h) => h?.type ?? null)).toEqual([
      'sms.reply_received',
      null,
      'contact.opted_out',
      null,
      'contact.opted_in',
      'sms.handoff',
    ])
    for (const h of made) if (h) expect(dataProblem(envelope(h)), h.type).toBeNull()
  })
})

describe('masking', () => {
  it('leaves enough to tell people apart, not to reach them', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j•••@example.com')
    expect(maskPhone('+1 (212) 555-0123')).toBe('•••••••0123')
    expect(maskContact({ email: 'a@b.co', firstName: 'Ada', lastName: 'Lovelace' })).toEqual({
      email: 'a•••@b.co',
      firstName: 'A.',
      lastName: 'L.',
    })
  })

  it('masks the addresses and numbers inside a shopper’s text, and nothing else', () => {
    expect(
      maskText('mail me at jane.doe@example.com or call +1 (212) 555-0123 re order 1042'),
    ).toBe('mail me at j•••@example.com or call •••••••0123 re order 1042')
    expect(maskText('Does the tee come in blue? Size 42.')).toBe(
      'Does the tee come in blue? Size 42.',
    )
    const reply = {
      id: 'evt_1',
      type: 'sms.reply_received' as const,
      timestamp: new Date(T0).toISOString(),
      storeId: 'st_1',
      data: { contact: { phone: '+12125550123' }, body: 'text 2125550123', cartId: null },
    }
    expect(forEndpoint(reply, false).data).toMatchObject({ body: 'text •••••••0123' })
    expect(forEndpoint(reply, true).data).toMatchObject({ body: 'text 2125550123' })
  })

  it('masks only for endpoints that did not opt in', () => {
    const event = { ...envelope(cartHappenings([entry('cart.lost')], shopper())[0] as Happened) }
    expect(forEndpoint(event, true)).toBe(event)
    expect(forEndpoint(event, false).data.contact).toEqual({
      email: 'a•••@example.com',
      phone: '•••••••0123',
    })
  })
})

describe('retry schedule', () => {
  it('grows from seconds to 12 hours, with at most 10 % jitter', () => {
    const late = () => 0.999
    expect(nextAttemptAt(1, T0, T0, () => 0) - T0).toBe(5_000)
    expect(nextAttemptAt(1, T0, T0, late) - T0).toBeLessThan(5_500)
    expect(nextAttemptAt(3, T0, T0, () => 0) - T0).toBe(120_000)
    expect(nextAttemptAt(40, T0, T0, () => 0) - T0).toBe(12 * 3_600_000)
  })

  it('spans about three days, the last try falling on the give-up time', () => {
    let at = T0
    let tries = 1
    while (!givesUp(at, T0)) {
      at = nextAttemptAt(tries, at, T0, () => 0.5)
      tries++
    }
    expect(at).toBe(T0 + GIVE_UP_AFTER_MS)
    expect(tries).toBeGreaterThan(RETRY_DELAYS_MS.length)
    expect(tries).toBeLessThan(25)
  })

  it('reads a 2xx as delivered, 410 as gone, anything else as a retry', () => {
    expect([200, 204, 299].map(verdict)).toEqual(['delivered', 'delivered', 'delivered'])
    expect(verdict(410)).toBe('gone')
    expect([null, 301, 400, 404, 429, 500].map(verdict)).toEqual(Array(6).fill('retry'))
  })
})

describe('endpoints', () => {
  it('takes https anywhere, and http only to this machine outside production', () => {
    expect(endpointUrlProblem('https://hooks.example.com/cartback', true)).toBeNull()
    expect(endpointUrlProblem('http://127.0.0.1:8080/h', false)).toBeNull()
    expect(endpointUrlProblem('http://localhost/h', false)).toBeNull()
    expect(endpointUrlProblem('http://127.0.0.1:8080/h', true)).toMatch(/https:\/\/ in production/)
    expect(endpointUrlProblem('http://hooks.example.com/h', false)).toMatch(/only to localhost/)
    expect(endpointUrlProblem('ftp://x.example', false)).toMatch(/https/)
    expect(endpointUrlProblem('https://u:p@x.example/', true)).toMatch(/user name/)
    expect(endpointUrlProblem('not a url', true)).toMatch(/absolute/)
  })

  it('keeps the event list known, unique and in the README’s order', () => {
    expect(EventList.parse(['cart.lost', 'cart.abandoned', 'cart.lost'])).toEqual([
      'cart.abandoned',
      'cart.lost',
    ])
    expect(EventList.safeParse([]).success).toBe(false)
    expect(EventList.safeParse(['cart.exploded']).success).toBe(false)
  })

  it('knows every cart status', () => {
    expect(STATUSES).toEqual(CART_STATUSES)
  })

  it('publishes a JSON Schema for every type', () => {
    const schemas = webhookJsonSchemas()
    expect(Object.keys(schemas)).toEqual([...EVENT_TYPES])
    const lost = schemas['cart.lost'] as { properties: Record<string, { const?: string }> }
    expect(lost.properties.type?.const).toBe('cart.lost')
  })
})
