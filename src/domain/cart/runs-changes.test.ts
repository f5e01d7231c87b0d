// When the sequence stops, what it counts, and settings changed since abandonment.
import { describe, expect, it } from 'vitest'
import { abandonedWith, failed, ordered, sent, shopper, timer } from '#test/domain/cart'
import { ABANDONED, H, M, T0 } from '#test/domain/clock'
import { email, policy, text } from '#test/domain/steps'
import { next } from './machine'

describe('sequence stops and counts', () => {
  it('starts no sequence on a cart a newer cart of the same contact superseded', () => {
    const p = policy([email('e1', 60)])
    const superseded = next(
      shopper(),
      { type: 'sequence.superseded', by: 'cart_newer_0000000000' },
      T0 + M,
      p,
    ).state
    const t = next(superseded, timer, ABANDONED, p)
    expect(t.state.status).toBe('abandoned')
    expect(t.state.runs).toEqual([])
  })

  it('stops reminders once an order is placed, even before it is paid', () => {
    const p = policy([email('e1', 60)])
    const onHold = next(
      abandonedWith(p).state,
      ordered('9', ABANDONED + M, { status: 'on-hold', paid: false }),
      ABANDONED + M,
      p,
    )
    expect(onHold.state.runs[0]).toMatchObject({ status: 'cancelled', reason: 'ordered' })
  })

  it('stops a send waiting for a retry', () => {
    const p = policy([email('e1', 60)])
    const sending = next(abandonedWith(p).state, timer, ABANDONED + H, p).state
    const archived = next(
      sending,
      { type: 'merchant.acted', action: 'archive' },
      ABANDONED + H + M,
      p,
    ).state
    expect(archived.runs[0]).toMatchObject({ status: 'cancelled', reason: 'archived' })
  })

  it('counts a text of unknown outcome as sent for the one-text rule', () => {
    const p = policy([text('s1', 60), text('s2', 120)])
    const sending = next(abandonedWith(p).state, timer, ABANDONED + H, p).state
    const unknown = next(sending, failed('s1', 'outcome_unknown'), ABANDONED + H, p).state
    expect(next(unknown, timer, ABANDONED + 2 * H, p).state.runs[1]).toMatchObject({
      status: 'skipped',
      reason: 'sms_already_sent_for_abandonment',
    })
  })
})

describe('sequence: settings changed since abandonment', () => {
  const before = policy([email('e1', 60), email('e2', 120), email('e3', 600)])
  /** The first step sent an hour after abandonment, the rest to come. */
  const started = () => {
    const sending = next(abandonedWith(before).state, timer, ABANDONED + H, before).state
    return next(sending, sent('e1'), ABANDONED + H, before).state
  }

  it('skips, with the reason, a step removed from the sequence, and sends the next one', () => {
    const after = policy([email('e1', 60), email('e3', 600)])
    const t = next(started(), timer, ABANDONED + 2 * H, after)
    expect(t.state.runs.map((r) => [r.id, r.status, r.reason])).toEqual([
      ['e1', 'sent', null],
      ['e2', 'skipped', 'step_removed'],
      ['e3', 'scheduled', null],
    ])
    expect(t.effects.filter((e) => e.type === 'send_message')).toEqual([])
    expect(t.journal).toContainEqual(
      expect.objectContaining({ type: 'message.skipped', step: 'e2', reason: 'step_removed' }),
    )
    expect(t.wakeAt).toBe(ABANDONED + 10 * H)
  })

  it('reschedules a step whose delay changed, counted from the abandonment', () => {
    const after = policy([email('e1', 60), email('e2', 300), email('e3', 600)])
    const t = next(started(), timer, ABANDONED + 2 * H, after)
    expect(t.state.runs.find((r) => r.id === 'e2')).toMatchObject({
      status: 'scheduled',
      dueAt: ABANDONED + 5 * H,
    })
    expect(t.effects.filter((e) => e.type === 'send_message')).toEqual([])
    expect(t.journal).toContainEqual(
      expect.objectContaining({
        type: 'message.rescheduled',
        step: 'e2',
        dueAt: new Date(ABANDONED + 5 * H).toISOString(),
      }),
    )
  })

  it('sends at once a step whose shorter delay is already past, keeping runs in due order', () => {
    const after = policy([email('e1', 60), email('e3', 90), email('e2', 120)])
    const t = next(started(), timer, ABANDONED + 100 * M, after)
    expect(t.state.runs.map((r) => [r.id, r.status])).toEqual([
      ['e1', 'sent'],
      ['e3', 'sending'],
      ['e2', 'scheduled'],
    ])
    expect(t.effects).toContainEqual(expect.objectContaining({ stepId: 'e3' }))
  })

  it('decides a deferred text afresh at its new time', () => {
    const p = policy([text('s1', 12 * 60)])
    const deferred = next(abandonedWith(p).state, timer, ABANDONED + 12 * H, p).state
    expect(deferred.runs[0]?.status).toBe('deferred')
    const moved = next(deferred, timer, ABANDONED + 12 * H + M, policy([text('s1', 14 * 60)]))
    expect(moved.state.runs[0]).toMatchObject({
      status: 'scheduled',
      dueAt: ABANDONED + 14 * H,
      notBefore: null,
    })
  })

  it('starts a step added after abandonment with the next abandonment only', () => {
    const after = policy([email('e1', 60), email('e2', 120), email('e3', 600), email('e4', 900)])
    const t = next(started(), timer, ABANDONED + 2 * H, after)
    expect(t.state.runs.map((r) => r.id)).toEqual(['e1', 'e2', 'e3'])
  })

  it('leaves the state untouched when the sequence is unchanged', () => {
    const s = started()
    const t = next(s, timer, ABANDONED + 90 * M, { ...before, version: 2 })
    expect(t.state).toBe(s)
    expect(t.journal).toEqual([])
  })
})
