import { describe, expect, it } from 'vitest'
import { abandonedWith, sent, timer } from '#test/domain/cart'
import { ABANDONED, H } from '#test/domain/clock'
import { email, policy } from '#test/domain/steps'
import { liveRun } from './live'
import { next } from './machine'
import { messageKey } from './runs'
import type { CartState } from './types'

const p = policy([email('e1', 60, 600)])

/** A cart abandoned at T0 + 1 min whose first email is being sent. */
function sending(): CartState {
  return next(abandonedWith(p).state, timer, ABANDONED + H, p).state
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
    const settled = next(s, sent('e1'), ABANDONED + 2 * H, p).state
    expect(liveRun(settled, send)).toBeNull()
    expect(liveRun({ ...s, status: 'recovered' }, send)).toBeNull()
    expect(liveRun(null, send)).toBeNull()
  })
})
