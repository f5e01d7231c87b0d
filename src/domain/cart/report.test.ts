import { describe, expect, it } from 'vitest'
import { newCart } from './machine'
import { cartReport } from './report'
import { scheduledRun } from './runs'
import type { StepRun } from './types'

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
