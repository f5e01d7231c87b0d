// The cart machine's side of a store's holdout (issue 15): the arm decided once at abandonment,
// a held-out cart tracked like any other and sent nothing, its journal saying why.
import { describe, expect, it } from 'vitest'
import { beacon, cart, click, ITEM, paid, S, T0 } from '#test/domain/machine'
import { email, policy as storePolicy } from '#test/domain/steps'
import { next } from './machine'
import { needsAssignment } from './timer'
import type { CartEvent } from './types'

const holdout = { percent: 20, period: 'per_1' }
const policy = storePolicy([email('email-1h', 60)], { holdout })
const at = T0 + 61 * S
const fired = (bucket: number | null, period = 'per_1'): CartEvent => ({
  type: 'timer.fired',
  contact: {},
  assignment: bucket === null ? null : { period, bucket },
})

describe('next: holdout', () => {
  it('holds out a cart whose bucket is under the share: abandoned, tracked, no sequence', () => {
    const t = next(cart(), fired(0.19), at, policy)
    expect(t.state).toMatchObject({
      status: 'abandoned',
      runs: [],
      experiment: { arm: 'holdout', period: 'per_1', assignedAt: at },
    })
    expect(t.effects).toEqual([{ type: 'publish_report' }])
    expect(t.journal.map((j) => j.type)).toEqual(['cart.abandoned', 'experiment.assigned'])
    expect(t.journal[1]).toMatchObject({ arm: 'holdout', period: 'per_1', holdoutPercent: 20 })
    // Still tracked to the end of its window, like any abandoned cart.
    expect(t.wakeAt).toBe(T0 + 60 * S + 7 * 24 * 3600 * S)
  })

  it('messages a cart whose bucket is at or over the share, and says which arm it is in', () => {
    const t = next(cart(), fired(0.2), at, policy)
    expect(t.state.experiment).toEqual({
      arm: 'messaged',
      period: 'per_1',
      assignedAt: at,
      // No contact yet: the figures per channel count it as reachable on none.
      reach: 'none',
    })
    expect(t.state.runs.map((r) => r.id)).toEqual(['email-1h'])
    expect(t.journal.map((j) => j.type)).toEqual([
      'cart.abandoned',
      'experiment.assigned',
      'sequence.started',
    ])
  })

  it('keeps a held-out cart silent through a restore and a second abandonment, and credits its order', () => {
    const held = next(cart(), fired(0.05), at, policy).state
    const restored = next(held, click, at + 10 * S, policy).state
    expect(restored.status).toBe('restored')
    const again = next(restored, fired(0.99), at + 200 * S, policy).state
    expect(again.status).toBe('abandoned')
    // The arm is decided once: a later bucket changes nothing.
    expect(again.experiment).toEqual(held.experiment)
    expect(again.runs).toEqual([])
    const ordered = next(again, paid({ placedAt: at + 300 * S }), at + 300 * S, policy).state
    expect(ordered.status).toBe('recovered')
    expect(ordered.experiment?.arm).toBe('holdout')
  })

  it('never puts a cart abandoned before the holdout into it: a re-abandonment keeps no arm', () => {
    const before = storePolicy([email('email-1h', 60)])
    const first = next(cart(), fired(null), at, before).state
    expect(first.runs.map((r) => r.id)).toEqual(['email-1h'])
    const restored = next(first, click, at + 10 * S, policy).state
    // The holdout has started meanwhile; the cart is abandoned again with a bucket under it.
    expect(needsAssignment(restored, at + 200 * S, policy)).toBe(false)
    const again = next(restored, fired(0.01), at + 200 * S, policy).state
    expect(again.status).toBe('abandoned')
    expect(again.experiment).toBeNull()
    expect(again.runs.map((r) => r.id)).toEqual(['email-1h'])
  })

  it('assigns a lost cart that comes back afresh, in the period running then', () => {
    const held = next(cart(), fired(0.05), at, policy).state
    const lost = next(held, fired(null), T0 + 60 * S + 7 * 24 * 3600 * S + S, policy).state
    expect(lost.status).toBe('lost')
    const back = next(lost, beacon({ items: [ITEM] }), lost.lostAt! + 3600 * S, policy).state
    expect(back).toMatchObject({ status: 'active', abandonedAt: null, experiment: null })
    const later = { ...policy, holdout: { ...holdout, period: 'per_2' } }
    const t = back.lastActivityAt + 61 * S
    expect(needsAssignment(back, t, later)).toBe(true)
    const again = next(back, fired(0.5, 'per_2'), t, later).state
    expect(again.experiment).toEqual({
      arm: 'messaged',
      period: 'per_2',
      assignedAt: t,
      reach: 'none',
    })
    expect(again.runs.map((r) => r.id)).toEqual(['email-1h'])
  })

  it('leaves a cart out of the experiment without a bucket for the running period', () => {
    for (const event of [fired(null), fired(0.01, 'per_0')]) {
      const t = next(cart(), event, at, policy)
      expect(t.state.experiment).toBeNull()
      expect(t.state.runs.map((r) => r.id)).toEqual(['email-1h'])
    }
  })

  it('runs no experiment at 0 % or without a holdout', () => {
    for (const p of [
      storePolicy([email('email-1h', 60)]),
      { ...policy, holdout: { ...holdout, percent: 0 } },
    ]) {
      const t = next(cart(), fired(0.01), at, p)
      expect(t.state.experiment).toBeNull()
      expect(t.state.runs).toHaveLength(1)
    }
  })
})

describe('needsAssignment', () => {
  it('asks for a bucket only when this wake abandons a cart with no arm under a running holdout', () => {
    expect(needsAssignment(cart(), at, policy)).toBe(true)
    expect(needsAssignment(cart(), T0 + 30 * S, policy)).toBe(false)
    expect(needsAssignment(cart(), at, storePolicy([]))).toBe(false)
    const assigned = next(cart(), fired(0.5), at, policy).state
    expect(needsAssignment(assigned, at + 10 * S, policy)).toBe(false)
  })
})
