import { describe, expect, it } from 'vitest'
import type { Step } from '../sequence/steps'
import type { CartPolicy } from '../store/settings'
import { newCart, next } from './machine'
import type { CartEvent, CartState } from './types'

// Monday 2026-11-23 15:00 UTC = 10:00 in New York.
const T0 = Date.parse('2026-11-23T14:59:00Z')
const ABANDONED = T0 + 60_000
const M = 60_000
const H = 60 * M

const email = (id: string, delayMin: number, windowMin = 600): Step => ({
  id,
  channel: 'email',
  delaySeconds: delayMin * 60,
  windowSeconds: windowMin * 60,
  template: { subject: 's', heading: 'h', body: 'b', buttonLabel: 'go' },
})
const text = (id: string, delayMin: number, windowMin = 600): Step => ({
  id,
  channel: 'sms',
  delaySeconds: delayMin * 60,
  windowSeconds: windowMin * 60,
  template: { body: '{{restoreUrl}}' },
})

function policy(sequence: Step[], o: Partial<CartPolicy> = {}): CartPolicy {
  return {
    version: 1,
    storeName: 'Acme',
    currency: 'USD',
    baseUrl: 'https://cartback.test',
    smsFrom: null,
    attribution: { emailWindowSeconds: 5 * 86_400, smsWindowSeconds: 86_400 },
    inactivitySeconds: 60,
    attributionWindowSeconds: 7 * 24 * 3600,
    restoreTtlSeconds: 86_400,
    sequence,
    quietHours: { startHour: 8, endHour: 21 },
    sender: { accentColor: '#4f46e5' },
    smsDoubleOptIn: false,
    ...o,
  }
}

function shopper(o: Partial<CartState> = {}): CartState {
  return {
    ...newCart('st_1', 'cart_0123456789abcdef', 'USD', T0),
    items: [{ id: 'tee', name: 'Tee', price: 2400, quantity: 1 }],
    total: 2400,
    contact: { email: 'ada@example.com', phone: '+12125550123' },
    consents: [{ channel: 'sms', granted: true, text: 'Text me', at: T0, phone: '+12125550123' }],
    ...o,
  }
}

const timer: CartEvent = { type: 'timer.fired' }
const sent = (stepId: string): CartEvent => ({
  type: 'message.settled',
  stepId,
  outcome: 'sent',
  messageId: `msg_${stepId}`,
  reason: null,
})

/** Abandons the cart through the machine, as the alarm would. */
function abandonedWith(p: CartPolicy, o: Partial<CartState> = {}) {
  return next(shopper(o), timer, ABANDONED, p)
}

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
    const t = next(
      sending,
      {
        type: 'message.settled',
        stepId: 'e1',
        outcome: 'failed',
        messageId: null,
        reason: 'invalid_recipient',
      },
      ABANDONED + H,
      p,
    )
    expect(t.state.runs[0]).toMatchObject({ status: 'failed', reason: 'invalid_recipient' })
    expect(t.wakeAt).toBe(ABANDONED + 2 * H)
  })

  const stops: [string, (s: CartState, p: CartPolicy) => CartState, string][] = [
    [
      'an order',
      (s, p) =>
        next(
          s,
          {
            type: 'order.reported',
            order: {
              id: '1',
              status: 'processing',
              paid: true,
              total: 2400,
              refunded: 0,
              currency: 'USD',
              source: 'webhook',
              placedAt: ABANDONED + M,
              modifiedAt: null,
            },
          },
          ABANDONED + 2 * M,
          p,
        ).state,
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

describe('attribution', () => {
  const p = policy([email('e1', 60), text('s1', 120), email('e2', 24 * 60)])
  const order = (placedAt: number): CartEvent => ({
    type: 'order.reported',
    order: {
      id: 'o1',
      status: 'processing',
      paid: true,
      total: 2400,
      refunded: 0,
      currency: 'USD',
      source: 'webhook',
      placedAt,
      modifiedAt: null,
    },
  })
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
    expect(s.attribution).toEqual({ step: 's1', channel: 'sms', via: 'send' })
  })

  it('takes a text of unknown outcome whose link rebuilt the cart as sent: clicked and credited', () => {
    let s = sentSteps(1)
    s = next(s, timer, ABANDONED + 2 * H, p).state
    s = next(
      s,
      {
        type: 'message.settled',
        stepId: 's1',
        outcome: 'failed',
        messageId: 'msg_s1',
        reason: 'outcome_unknown',
      },
      ABANDONED + 2 * H,
      p,
    ).state
    s = next(s, { type: 'restore.rebuilt', step: 's1' }, ABANDONED + 150 * M, p).state
    expect(s.runs[1]).toMatchObject({
      status: 'sent',
      reason: null,
      messageId: 'msg_s1',
      clickedAt: ABANDONED + 150 * M,
    })
    const t = next(s, order(ABANDONED + 3 * H), ABANDONED + 3 * H, p)
    expect(t.state.attribution).toEqual({ step: 's1', channel: 'sms', via: 'click' })
  })

  it('leaves a failed text without a message id failed when a link names its step', () => {
    let s = sentSteps(1)
    s = next(s, timer, ABANDONED + 2 * H, p).state
    const failed: CartEvent = {
      type: 'message.settled',
      stepId: 's1',
      outcome: 'failed',
      messageId: null,
      reason: 'twilio_21211',
    }
    s = next(s, failed, ABANDONED + 2 * H, p).state
    s = next(s, { type: 'restore.rebuilt', step: 's1' }, ABANDONED + 150 * M, p).state
    expect(s.runs[1]).toMatchObject({ status: 'failed', reason: 'twilio_21211', clickedAt: null })
  })

  it('credits the last message clicked over a later one only sent', () => {
    let s = sentSteps(1)
    s = next(s, { type: 'restore.rebuilt', step: 'e1' }, ABANDONED + 90 * M, p).state
    s = next(s, timer, ABANDONED + 2 * H, p).state
    s = next(s, sent('s1'), ABANDONED + 2 * H, p).state
    const t = next(s, order(ABANDONED + 3 * H), ABANDONED + 3 * H, p)
    expect(t.state.attribution).toEqual({ step: 'e1', channel: 'email', via: 'click' })
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
    })
  })

  it('gives a text 24 hours and an email 5 days', () => {
    const s = sentSteps(2)
    // 30 h after the text, 31 h after the email: the text is out of its window.
    expect(next(s, order(ABANDONED + 32 * H), ABANDONED + 32 * H, p).state.attribution).toEqual({
      step: 'e1',
      channel: 'email',
      via: 'send',
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
      {
        type: 'order.reported',
        order: {
          id: 'o1',
          status: 'refunded',
          paid: false,
          total: 2400,
          refunded: 2400,
          currency: 'USD',
          source: 'webhook',
          placedAt: ABANDONED + 2 * H,
          modifiedAt: null,
        },
      },
      ABANDONED + 5 * H,
      p,
    ).state
    expect(refunded.attribution).toBeNull()
  })
})

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
      {
        type: 'order.reported',
        order: {
          id: '9',
          status: 'on-hold',
          paid: false,
          total: 2400,
          refunded: 0,
          currency: 'USD',
          source: 'webhook',
          placedAt: ABANDONED + M,
          modifiedAt: null,
        },
      },
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
    const unknown = next(
      sending,
      {
        type: 'message.settled',
        stepId: 's1',
        outcome: 'failed',
        messageId: null,
        reason: 'outcome_unknown',
      },
      ABANDONED + H,
      p,
    ).state
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
