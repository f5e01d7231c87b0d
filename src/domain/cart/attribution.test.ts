// Which message an order is credited to, and for how long.
import { describe, expect, it } from 'vitest'
import { abandonedWith, failed, ordered, sent, timer } from '#test/domain/cart'
import { ABANDONED, H, M } from '#test/domain/clock'
import { email, policy, text } from '#test/domain/steps'
import { next } from './machine'
import type { CartEvent, CartState } from './types'

describe('attribution', () => {
  const p = policy([email('e1', 60), text('s1', 120), email('e2', 24 * 60)])
  const order = (placedAt: number): CartEvent => ordered('o1', placedAt)
  /** Sends the first `n` steps at their times. */
  function sentSteps(n: number): CartState {
    let s = abandonedWith(p).state
    for (const run of s.runs.slice(0, n)) {
      s = next(s, timer, run.dueAt, p).state
      s = next(s, sent(run.id), run.dueAt, p).state
    }
    return s
  }

  it('credits the last message sent when none was clicked', () => {
    const s = next(sentSteps(2), order(ABANDONED + 3 * H), ABANDONED + 3 * H, p).state
    expect(s.attribution).toEqual({
      step: 's1',
      channel: 'sms',
      via: 'send',
      variant: null,
      experiment: null,
    })
  })

  it('takes a text of unknown outcome whose link rebuilt the cart as sent: clicked and credited', () => {
    let s = sentSteps(1)
    s = next(s, timer, ABANDONED + 2 * H, p).state
    s = next(s, failed('s1', 'outcome_unknown', 'msg_s1'), ABANDONED + 2 * H, p).state
    s = next(s, { type: 'restore.rebuilt', step: 's1' }, ABANDONED + 150 * M, p).state
    expect(s.runs[1]).toMatchObject({
      status: 'sent',
      reason: null,
      messageId: 'msg_s1',
      clickedAt: ABANDONED + 150 * M,
    })
    const t = next(s, order(ABANDONED + 3 * H), ABANDONED + 3 * H, p)
    expect(t.state.attribution).toEqual({
      step: 's1',
      channel: 'sms',
      via: 'click',
      variant: null,
      experiment: null,
    })
  })

  it('leaves a failed text without a message id failed when a link names its step', () => {
    let s = sentSteps(1)
    s = next(s, timer, ABANDONED + 2 * H, p).state
    s = next(s, failed('s1', 'twilio_21211'), ABANDONED + 2 * H, p).state
    s = next(s, { type: 'restore.rebuilt', step: 's1' }, ABANDONED + 150 * M, p).state
    expect(s.runs[1]).toMatchObject({ status: 'failed', reason: 'twilio_21211', clickedAt: null })
  })

  it('credits the last message clicked over a later one only sent', () => {
    let s = sentSteps(1)
    s = next(s, { type: 'restore.rebuilt', step: 'e1' }, ABANDONED + 90 * M, p).state
    s = next(s, timer, ABANDONED + 2 * H, p).state
    s = next(s, sent('s1'), ABANDONED + 2 * H, p).state
    const t = next(s, order(ABANDONED + 3 * H), ABANDONED + 3 * H, p)
    expect(t.state.attribution).toEqual({
      step: 'e1',
      channel: 'email',
      via: 'click',
      variant: null,
      experiment: null,
    })
    expect(t.journal).toContainEqual(
      expect.objectContaining({
        type: 'cart.recovered',
        step: 'e1',
        channel: 'email',
        via: 'click',
      }),
    )
  })

  it('never counts a provider-tracked click (mail scanners click every link): only restores', () => {
    let s = sentSteps(2)
    s = next(
      s,
      {
        type: 'message.event',
        messageId: 'msg_e1',
        step: 'e1',
        event: 'clicked',
        at: ABANDONED + 150 * M,
      },
      ABANDONED + 150 * M,
      p,
    ).state
    expect(s.runs.find((r) => r.id === 'e1')?.clickedAt).toBeNull()
    expect(next(s, order(ABANDONED + 3 * H), ABANDONED + 3 * H, p).state.attribution).toEqual({
      step: 's1',
      channel: 'sms',
      via: 'send',
      variant: null,
      experiment: null,
    })
  })

  it('gives a text 24 hours and an email 5 days', () => {
    const s = sentSteps(2)
    // 30 h after the text, 31 h after the email: the text is out of its window.
    expect(next(s, order(ABANDONED + 32 * H), ABANDONED + 32 * H, p).state.attribution).toEqual({
      step: 'e1',
      channel: 'email',
      via: 'send',
      variant: null,
      experiment: null,
    })
    // Six days on, nothing is close enough: a recovery on its own.
    const late = next(s, order(ABANDONED + 6 * 24 * H), ABANDONED + 6 * 24 * H, p).state
    expect(late.status).toBe('recovered')
    expect(late.attribution).toBeNull()
  })

  it('forgets the credit when the order is refunded', () => {
    const rec = next(sentSteps(1), order(ABANDONED + 2 * H), ABANDONED + 2 * H, p).state
    expect(rec.attribution).not.toBeNull()
    const refunded = next(
      rec,
      ordered('o1', ABANDONED + 2 * H, { status: 'refunded', paid: false, refunded: 2400 }),
      ABANDONED + 5 * H,
      p,
    ).state
    expect(refunded.attribution).toBeNull()
  })
})
