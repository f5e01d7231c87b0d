// The sequence a cart runs after abandonment: steps, quiet hours, consent, pauses.
import { describe, expect, it } from 'vitest'
import { abandonedWith, failed, ordered, sent, timer } from '#test/domain/cart'
import { ABANDONED, H, M } from '#test/domain/clock'
import { email, policy, text } from '#test/domain/steps'
import type { CartPolicy } from '../store/settings'
import { next } from './machine'
import type { CartState } from './types'

describe('sequence', () => {
  it('starts at abandonment with every step scheduled, waking for the first', () => {
    const p = policy([email('e1', 60), text('s1', 180), email('e2', 1440)])
    const t = abandonedWith(p)
    expect(t.state.runs.map((r) => [r.id, r.status, r.dueAt])).toEqual([
      ['e1', 'scheduled', ABANDONED + H],
      ['s1', 'scheduled', ABANDONED + 3 * H],
      ['e2', 'scheduled', ABANDONED + 24 * H],
    ])
    expect(t.wakeAt).toBe(ABANDONED + H)
    expect(t.journal.map((j) => j.type)).toEqual(['cart.abandoned', 'sequence.started'])
  })

  it('sends a due step once, with a key bound to cart, abandonment, step and channel', () => {
    const p = policy([email('e1', 60), email('e2', 120)])
    const s = abandonedWith(p).state
    const t = next(s, timer, ABANDONED + H, p)
    expect(t.effects).toEqual([
      { type: 'publish_report' },
      {
        type: 'send_message',
        stepId: 'e1',
        channel: 'email',
        key: `cart_0123456789abcdef:${ABANDONED}:e1:email`,
      },
    ])
    expect(t.state.runs[0]!.status).toBe('sending')
    // A second alarm while the message is in flight sends nothing.
    const again = next(t.state, timer, ABANDONED + H + M, p)
    expect(again.effects.filter((e) => e.type === 'send_message')).toEqual([])
  })

  it('moves on to the next step once the send is settled', () => {
    const p = policy([email('e1', 60), email('e2', 120)])
    const sending = next(abandonedWith(p).state, timer, ABANDONED + H, p).state
    const t = next(sending, sent('e1'), ABANDONED + H + 1000, p)
    expect(t.state.runs.map((r) => [r.id, r.status, r.messageId])).toEqual([
      ['e1', 'sent', 'msg_e1'],
      ['e2', 'scheduled', null],
    ])
    expect(t.wakeAt).toBe(ABANDONED + 2 * H)
    expect(t.journal.map((j) => j.type)).toEqual(['message.sent'])
  })

  it('skips, with the reason, a text to a shopper who gave no SMS consent', () => {
    const p = policy([text('s1', 60), email('e2', 120)])
    const t = next(abandonedWith(p, { consents: [] }).state, timer, ABANDONED + H, p)
    expect(t.state.runs[0]).toMatchObject({ status: 'skipped', reason: 'no_sms_consent' })
    expect(t.journal).toContainEqual(
      expect.objectContaining({ type: 'message.skipped', step: 's1', reason: 'no_sms_consent' }),
    )
    expect(t.wakeAt).toBe(ABANDONED + 2 * H)
  })

  it('waits for the reply YES when the store asks for double opt-in', () => {
    const p = policy([text('s1', 60)], { smsDoubleOptIn: true })
    const t = next(abandonedWith(p).state, timer, ABANDONED + H, p)
    expect(t.state.runs[0]).toMatchObject({ status: 'skipped', reason: 'sms_opt_in_pending' })
  })

  it('defers a text that falls in quiet hours and sends it at 8:00', () => {
    const p = policy([text('s1', 12 * 60)])
    const deferred = next(abandonedWith(p).state, timer, ABANDONED + 12 * H, p)
    const eight = Date.parse('2026-11-24T13:00:00Z')
    expect(deferred.state.runs[0]).toMatchObject({
      status: 'deferred',
      notBefore: eight,
      reason: 'quiet_hours',
    })
    expect(deferred.wakeAt).toBe(eight)
    expect(next(deferred.state, timer, eight - M, p).effects).toEqual([])
    expect(next(deferred.state, timer, eight, p).effects).toContainEqual(
      expect.objectContaining({ type: 'send_message', stepId: 's1' }),
    )
  })

  it('sends only the latest of several steps a late alarm finds due', () => {
    const p = policy([email('e1', 60), email('e2', 120), email('e3', 600)])
    const t = next(abandonedWith(p).state, timer, ABANDONED + 3 * H, p)
    expect(t.state.runs.map((r) => [r.id, r.status, r.reason])).toEqual([
      ['e1', 'skipped', 'caught_up'],
      ['e2', 'sending', null],
      ['e3', 'scheduled', null],
    ])
  })

  it('texts a US number once per abandonment', () => {
    const p = policy([text('s1', 60), text('s2', 120)])
    const s1 = next(
      next(abandonedWith(p).state, timer, ABANDONED + H, p).state,
      sent('s1'),
      ABANDONED + H,
      p,
    ).state
    const t = next(s1, timer, ABANDONED + 2 * H, p)
    expect(t.state.runs[1]).toMatchObject({
      status: 'skipped',
      reason: 'sms_already_sent_for_abandonment',
    })
  })

  it('records a failed send and carries on with the next step', () => {
    const p = policy([email('e1', 60), email('e2', 120)])
    const sending = next(abandonedWith(p).state, timer, ABANDONED + H, p).state
    const t = next(sending, failed('e1', 'invalid_recipient'), ABANDONED + H, p)
    expect(t.state.runs[0]).toMatchObject({ status: 'failed', reason: 'invalid_recipient' })
    expect(t.wakeAt).toBe(ABANDONED + 2 * H)
  })

  const stops: [string, (s: CartState, p: CartPolicy) => CartState, string][] = [
    [
      'an order',
      (s, p) => next(s, ordered('1', ABANDONED + M), ABANDONED + 2 * M, p).state,
      'ordered',
    ],
    [
      'archiving',
      (s, p) => next(s, { type: 'merchant.acted', action: 'archive' }, ABANDONED + 2 * M, p).state,
      'archived',
    ],
    [
      'ignoring',
      (s, p) => next(s, { type: 'merchant.acted', action: 'ignore' }, ABANDONED + 2 * M, p).state,
      'ignored',
    ],
    [
      'emptying the cart',
      (s, p) =>
        next(
          s,
          { type: 'beacon.received', beacon: { kind: 'cart', items: [] } },
          ABANDONED + 2 * M,
          p,
        ).state,
      'emptied',
    ],
    [
      'the end of the attribution window',
      (s, p) => next(s, timer, ABANDONED + 8 * 24 * H, { ...p, sequence: [] }).state,
      'lost',
    ],
  ]
  it.each(stops)('stops at once on %s', (_n, act, reason) => {
    const p = policy([email('e1', 60), email('e2', 120)])
    const after = act(abandonedWith(p).state, p)
    expect(after.runs.map((r) => [r.status, r.reason])).toEqual([
      ['cancelled', reason],
      ['cancelled', reason],
    ])
    expect(
      next(after, timer, ABANDONED + 3 * H, p).effects.filter((e) => e.type === 'send_message'),
    ).toEqual([])
  })

  it('pauses while the shopper is back and resumes if they leave again', () => {
    const p = policy([email('e1', 60)])
    const back = next(
      abandonedWith(p).state,
      { type: 'beacon.received', beacon: { kind: 'cart' } },
      ABANDONED + 10 * M,
      p,
    ).state
    expect(back.status).toBe('active')
    expect(
      next(back, timer, ABANDONED + 10 * M + 30_000, p).effects.filter(
        (e) => e.type === 'send_message',
      ),
    ).toEqual([])
    const left = next(back, timer, ABANDONED + 11 * M, p).state
    expect(left.status).toBe('abandoned')
    expect(next(left, timer, ABANDONED + H, p).effects).toContainEqual(
      expect.objectContaining({ stepId: 'e1' }),
    )
  })
})
