import { describe, expect, it } from 'vitest'
import { newCart } from './machine'
import { cartReport, reportMayWait } from './report'
import { scheduledRun } from './runs'
import type { CartState, StepRun } from './types'

const T0 = 1_700_000_000_000

const run = (id: string, o: Partial<StepRun>): StepRun => ({
  ...scheduledRun(id, 'email', T0),
  ...o,
})

describe('cartReport', () => {
  it('reports the channels that reached the shopper, the first click and the progress', () => {
    const state = {
      ...newCart('st_1', 'cart_0123456789abcdef', 'USD', T0),
      runs: [
        run('email-1h', { status: 'sent', clickedAt: T0 + 9000 }),
        run('sms-2h', { channel: 'sms', status: 'skipped', reason: 'no_consent' }),
        run('email-24h', { status: 'sent', clickedAt: T0 + 5000 }),
        run('email-72h', { status: 'failed' }),
        run('sms-80h', { channel: 'sms', status: 'scheduled' }),
      ],
    }
    expect(cartReport(state)).toMatchObject({
      channels: 1,
      clickedAt: T0 + 5000,
      stepId: 'email-24h',
      stepsDone: 4,
      stepsTotal: 5,
    })
  })

  it('sets the SMS bit only for a text that was sent', () => {
    const state = {
      ...newCart('st_1', 'cart_0123456789abcdef', 'USD', T0),
      runs: [run('sms-2h', { channel: 'sms', status: 'sent' })],
    }
    expect(cartReport(state)).toMatchObject({ channels: 2, clickedAt: null, stepsDone: 1 })
    expect(cartReport(newCart('st_1', 'cart_0123456789abcdef', 'USD', T0))).toMatchObject({
      channels: 0,
      stepId: null,
      stepsTotal: 0,
    })
  })
})

describe('reportMayWait', () => {
  const anonymous = newCart('st_1', 'cart_0123456789abcdef', 'USD', T0)
  const withItems = (s: CartState, quantity: number, at: number): CartState => ({
    ...s,
    revision: s.revision + 1,
    items: [{ id: 'sku-1', name: 'Tee', price: 2400, quantity }],
    total: 2400 * quantity,
    updatedAt: at,
    lastActivityAt: at,
  })
  const published = cartReport(withItems(anonymous, 1, T0 + 1000))

  it("lets an anonymous active cart's item change wait", () => {
    expect(reportMayWait(published, cartReport(withItems(anonymous, 3, T0 + 2000)))).toBe(true)
  })

  it('reports at once whatever else changed: a status, a contact, a click, a currency, an arm', () => {
    const next = withItems(anonymous, 3, T0 + 2000)
    const changed: CartState[] = [
      { ...next, status: 'abandoned', abandonedAt: T0 + 2000, abandonDueAt: T0 + 2000 },
      { ...next, contact: { email: 'ada@example.com' } },
      { ...next, contact: { phone: '+14155550100' } },
      { ...next, runs: [run('email-1h', { status: 'sent', clickedAt: T0 + 1500 })] },
      { ...next, currency: 'EUR' },
      {
        ...next,
        experiment: { arm: 'messaged', period: 'per_1', assignedAt: T0 + 2000, reach: 'none' },
      },
    ]
    for (const s of changed) expect(reportMayWait(published, cartReport(s))).toBe(false)
  })

  it('never lets a cart with a contact wait, even for its items', () => {
    const known = { ...anonymous, contact: { email: 'ada@example.com' } }
    const before = cartReport(withItems(known, 1, T0 + 1000))
    expect(reportMayWait(before, cartReport(withItems(known, 2, T0 + 2000)))).toBe(false)
  })
})
