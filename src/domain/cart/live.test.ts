import { describe, expect, it } from 'vitest'
import type { CartPolicy } from '../store/settings'
import { liveRun } from './live'
import { newCart, next } from './machine'
import { messageKey } from './runs'
import type { CartState } from './types'

// Monday 2026-11-23 15:00 UTC = 10:00 in New York.
const T0 = Date.parse('2026-11-23T14:59:00Z')
const H = 3_600_000

const policy: CartPolicy = {
  version: 1,
  storeName: 'Acme',
  currency: 'USD',
  baseUrl: 'https://cartback.test',
  smsFrom: null,
  attribution: { emailWindowSeconds: 5 * 86_400, smsWindowSeconds: 86_400 },
  inactivitySeconds: 60,
  attributionWindowSeconds: 7 * 24 * 3600,
  restoreTtlSeconds: 86_400,
  sequence: [
    {
      id: 'e1',
      channel: 'email',
      delaySeconds: 3600,
      windowSeconds: 36_000,
      template: { subject: 's', heading: 'h', body: 'b', buttonLabel: 'go' },
    },
  ],
  quietHours: { startHour: 8, endHour: 21 },
  sender: { accentColor: '#4f46e5' },
  smsDoubleOptIn: false,
}

/** A cart abandoned at T0 + 1 min whose first email is being sent. */
function sending(): CartState {
  const cart: CartState = {
    ...newCart('st_1', 'cart_0123456789abcdef', 'USD', T0),
    items: [{ id: 'tee', name: 'Tee', price: 2400, quantity: 1 }],
    total: 2400,
    contact: { email: 'ada@example.com' },
  }
  const abandoned = next(cart, { type: 'timer.fired' }, T0 + 60_000, policy).state
  return next(abandoned, { type: 'timer.fired' }, T0 + 60_000 + H, policy).state
}

const sendOf = (s: CartState) => ({
  stepId: 'e1',
  channel: 'email' as const,
  key: messageKey(s, 'e1', 'email'),
})

describe('liveRun', () => {
  it('finds the run a queued send is for while it is sending', () => {
    const s = sending()
    expect(liveRun(s, sendOf(s))?.run).toMatchObject({ id: 'e1', status: 'sending' })
  })

  it('refuses a send of another abandonment, another channel or an unknown step', () => {
    const s = sending()
    const send = sendOf(s)
    expect(liveRun(s, { ...send, key: `${send.key}-earlier` })).toBeNull()
    expect(liveRun(s, { ...send, channel: 'sms' })).toBeNull()
    expect(liveRun(s, { ...send, stepId: 'e2' })).toBeNull()
  })

  it('refuses once the cart stopped or settled the run, or was erased', () => {
    const s = sending()
    const send = sendOf(s)
    const settled = next(
      s,
      { type: 'message.settled', stepId: 'e1', outcome: 'sent', messageId: 'm', reason: null },
      T0 + 2 * H,
      policy,
    ).state
    expect(liveRun(settled, send)).toBeNull()
    expect(liveRun({ ...s, status: 'recovered' }, send)).toBeNull()
    expect(liveRun(null, send)).toBeNull()
  })
})
