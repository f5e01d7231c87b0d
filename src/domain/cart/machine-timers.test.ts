// The cart machine's deadlines: abandonment, the attribution window, restores, late alarms.
import { describe, expect, it } from 'vitest'
import {
  abandoned,
  beacon,
  cart,
  click,
  ITEM,
  paid,
  policy,
  S,
  T0,
  timer,
} from '#test/domain/machine'
import { email } from '#test/domain/steps'
import { next, stepDueAt } from './machine'
import { parseState } from './schema'

describe('next: timers', () => {
  it('abandons when the alarm notices, keeps the deadline, and counts the window from it', () => {
    const t = next(cart(), timer, T0 + 61 * S, policy)
    expect(t).toEqual({
      state: {
        ...cart(),
        status: 'abandoned',
        abandonedAt: T0 + 61 * S,
        abandonDueAt: T0 + 60 * S,
        abandonCount: 1,
        revision: 4,
        updatedAt: T0 + 61 * S,
      },
      effects: [{ type: 'publish_report' }],
      wakeAt: T0 + 60 * S + 3600 * S,
      journal: [
        {
          at: T0 + 61 * S,
          type: 'cart.abandoned',
          source: 'timer',
          inactivitySeconds: 60,
          dueAt: new Date(T0 + 60 * S).toISOString(),
        },
      ],
    })
  })

  it('treats an early or duplicate alarm as a no-op that keeps the same wake time', () => {
    const before = cart()
    const t = next(before, timer, T0 + 30 * S, policy)
    expect(t).toEqual({ state: before, effects: [], wakeAt: T0 + 60 * S, journal: [] })
  })

  it('catches up on every deadline a very late alarm missed', () => {
    const t = next(cart(), timer, T0 + 10_000 * S, policy)
    expect(t.state.status).toBe('lost')
    expect(t.journal.map((j) => [j.type, j.at])).toEqual([
      ['cart.abandoned', T0 + 10_000 * S],
      ['cart.lost', T0 + 3660 * S],
    ])
    // Hours late, the cart says so; the episode still ended an hour after the deadline.
    expect(t.state).toMatchObject({
      abandonedAt: T0 + 10_000 * S,
      abandonDueAt: T0 + 60 * S,
      lostAt: T0 + 3660 * S,
    })
    expect(t.wakeAt).toBeNull()
  })

  it('keeps the first abandonment when a restored cart is left again', () => {
    const restored = abandoned({
      status: 'restored',
      restoredAt: T0 + 100 * S,
      lastActivityAt: T0 + 100 * S,
    })
    const t = next(restored, timer, T0 + 160 * S, policy)
    expect(t.state).toMatchObject({
      status: 'abandoned',
      abandonedAt: T0 + 60 * S,
      abandonDueAt: T0 + 60 * S,
      abandonCount: 2,
    })
    expect(t.journal).toEqual([
      {
        at: T0 + 160 * S,
        type: 'cart.abandoned',
        source: 'timer',
        inactivitySeconds: 60,
        dueAt: new Date(T0 + 160 * S).toISOString(),
      },
    ])
    // An order placed between the click and the second abandonment still counts.
    expect(next(t.state, paid({ placedAt: T0 + 150 * S }), T0 + 170 * S, policy).state.status).toBe(
      'recovered',
    )
  })

  it('starts a new episode when a lost cart comes back', () => {
    const lost = cart({
      status: 'lost',
      abandonedAt: T0,
      restoredAt: T0 + S,
      lostAt: T0 + 3600 * S,
      restores: [{ step: null, at: T0 + S, repeats: 0 }],
    })
    const t = next(lost, beacon({ items: [ITEM] }), T0 + 9000 * S, policy)
    expect(t.state).toMatchObject({
      status: 'active',
      abandonedAt: null,
      abandonDueAt: null,
      restoredAt: null,
    })
    // The old episode's links may restore the new one.
    expect(t.state.restores).toEqual([])
    expect(next(t.state, timer, T0 + 9060 * S, policy).state.abandonedAt).toBe(T0 + 9060 * S)
  })

  it('times the steps from the deadline, not from a late alarm', () => {
    const steps = { ...policy, sequence: [email('e1', 10)] }
    const t = next(cart(), timer, T0 + 75 * S, steps)
    expect(t.state.runs.map((r) => r.dueAt)).toEqual([T0 + 660 * S])
    expect(t.wakeAt).toBe(T0 + 660 * S)
  })

  it('needs the contact objects only when the alarm has a step to decide', () => {
    const later = { ...policy, sequence: [email('e1', 30)] }
    const now = { ...policy, sequence: [email('e0', 0)] }
    // Abandoning with the first step half an hour away: no step to decide, nothing to ask.
    expect(stepDueAt(cart(), T0 + 61 * S, later)).toBe(false)
    expect(stepDueAt(cart(), T0 + 30 * S, now)).toBe(false)
    expect(stepDueAt(cart(), T0 + 61 * S, now)).toBe(true)
    const waiting = next(cart(), timer, T0 + 61 * S, later).state
    expect(stepDueAt(waiting, T0 + 1800 * S, later)).toBe(false)
    expect(stepDueAt(waiting, T0 + 1860 * S, later)).toBe(true)
  })

  it('decides no step without the contact facts, and wakes at once to ask for them', () => {
    const now = { ...policy, sequence: [email('e0', 0)] }
    const t = next(
      cart({ contact: { email: 'ada@example.com' } }),
      { type: 'timer.fired', contact: null },
      T0 + 61 * S,
      now,
    )
    expect(t.state.status).toBe('abandoned')
    expect(t.state.runs.map((r) => r.status)).toEqual(['scheduled'])
    expect(t.effects).toEqual([{ type: 'publish_report' }])
    expect(t.wakeAt).toBe(T0 + 60 * S)
  })

  it('reads state stored before the deadline was kept: its abandonedAt was the deadline', () => {
    const { abandonDueAt: _, ...old } = abandoned({ abandonedAt: T0 + 60 * S })
    expect(parseState(old)).toMatchObject({ abandonedAt: T0 + 60 * S, abandonDueAt: T0 + 60 * S })
    const { abandonDueAt: __, ...active } = cart()
    expect(parseState(active)).toMatchObject({ abandonedAt: null, abandonDueAt: null })
  })

  it('pushes the inactivity deadline on every activity', () => {
    const t = next(cart(), beacon({ contact: { firstName: 'Ada' } }), T0 + 50 * S, policy)
    expect(t.state.lastActivityAt).toBe(T0 + 50 * S)
    expect(t.wakeAt).toBe(T0 + 110 * S)
  })

  it('sleeps without an alarm once the cart is in a final status', () => {
    for (const status of ['recovered', 'converted', 'archived', 'ignored'] as const) {
      expect(
        next(cart({ status }), beacon({ page: 'https://shop.example/' }), T0, policy).wakeAt,
      ).toBeNull()
    }
  })

  it('is no longer lost once a lost cart is restored', () => {
    const lost = cart({ status: 'lost', abandonedAt: T0, lostAt: T0 + 3600 * S })
    expect(next(lost, click, T0 + 4000 * S, policy).state).toMatchObject({
      status: 'restored',
      lostAt: null,
    })
  })

  it('restarts the attribution window at a restore', () => {
    const t = next(abandoned(), click, T0 + 1000 * S, policy)
    expect(t.state.restoredAt).toBe(T0 + 1000 * S)
    // Next: inactivity from the restore (1060 s), before the window's new end (4600 s).
    expect(t.wakeAt).toBe(T0 + 1060 * S)
    expect(t.journal).toEqual([
      { at: T0 + 1000 * S, type: 'cart.restored', source: 'shopper', step: null },
    ])
  })

  it('records a link once per episode: a repeat only counts', () => {
    const first = next(abandoned(), click, T0 + 1000 * S, policy)
    const again = next(first.state, click, T0 + 2000 * S, policy)
    expect(again.journal).toEqual([])
    expect(again.effects).toEqual([])
    expect(again.state).toEqual({
      ...first.state,
      restores: [{ step: null, at: T0 + 1000 * S, repeats: 1 }],
    })
    // Left again and abandoned: the same link still restarts nothing.
    const left = next(again.state, timer, T0 + 1060 * S, policy).state
    expect(left.status).toBe('abandoned')
    const third = next(left, click, T0 + 1100 * S, policy)
    expect(third.state.status).toBe('abandoned')
    expect(third.state.restoredAt).toBe(T0 + 1000 * S)
    expect(third.journal).toEqual([])
    // Another step's link is a restore of its own.
    const other = next(left, { type: 'restore.rebuilt', step: 'e1' }, T0 + 1200 * S, policy)
    expect(other.state).toMatchObject({ status: 'restored', restoredAt: T0 + 1200 * S })
    expect(other.journal.map((j) => [j.type, j.step])).toEqual([['cart.restored', 'e1']])
  })

  it('journals a rebuild of a cart that was never abandoned once, without a restore', () => {
    const t = next(cart(), click, T0 + 10 * S, policy)
    expect(t.state.restoredAt).toBeNull()
    expect(t.journal.map((j) => j.type)).toEqual(['restore.rebuilt'])
    expect(next(t.state, click, T0 + 20 * S, policy).journal).toEqual([])
  })
})
