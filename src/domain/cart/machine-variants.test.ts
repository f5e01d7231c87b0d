// The cart machine's side of step experiments (issue 15): a variant given once, when the step
// comes due, from the bucket the shell worked out; sent at its own delay; credited on an order.
import { describe, expect, it } from 'vitest'
import { cart, paid, S, T0 } from '#test/domain/machine'
import { email, policy as storePolicy } from '#test/domain/steps'
import type { Step } from '../sequence/steps'
import { next } from './machine'
import { experimentsDue } from './timer'
import type { CartEvent, CartState } from './types'

const M = 60 * S
const tpl = (subject: string) => ({ subject, heading: 'h', body: 'b', buttonLabel: 'go' })
const step: Step = {
  ...email('email-1h', 60),
  variants: [{ id: 'b', template: tpl('later'), delaySeconds: 120 * 60 }],
  experiment: { id: 'exp_1', startedAt: '2023-11-14T00:00:00Z' },
}
const policy = storePolicy([step])
const fired = (variants?: Record<string, number>): CartEvent => ({
  type: 'timer.fired',
  contact: {},
  ...(variants ? { variants } : {}),
})
const ABANDON = T0 + 61 * S
const DUE = T0 + 60 * S + 60 * M
const withEmail = cart({ contact: { email: 'ada@example.com' } })
const abandoned = next(withEmail, fired(), ABANDON, policy).state

describe('next: step variants', () => {
  it("schedules a step with variants at its earliest variant's time", () => {
    expect(abandoned.runs).toMatchObject([{ id: 'email-1h', dueAt: DUE, variant: null }])
    expect(experimentsDue(abandoned, DUE - 1, policy)).toEqual([])
    expect(experimentsDue(abandoned, DUE, policy)).toEqual(['exp_1'])
  })

  it('sends the first variant at once to a cart whose bucket falls in its share', () => {
    const t = next(abandoned, fired({ exp_1: 0.2 }), DUE, policy)
    expect(t.state.runs[0]).toMatchObject({ status: 'sending', variant: 'a', experiment: 'exp_1' })
    expect(t.effects).toContainEqual(
      expect.objectContaining({ type: 'send_message', stepId: 'email-1h' }),
    )
    expect(t.journal[0]).toMatchObject({
      type: 'experiment.variant',
      variant: 'a',
      experiment: 'exp_1',
    })
  })

  it("gives a later variant at the step's time and sends it at its own", () => {
    const given = next(abandoned, fired({ exp_1: 0.7 }), DUE, policy)
    expect(given.state.runs[0]).toMatchObject({
      status: 'scheduled',
      variant: 'b',
      experiment: 'exp_1',
      dueAt: T0 + 60 * S + 120 * M,
    })
    expect(given.effects.filter((e) => e.type === 'send_message')).toEqual([])
    expect(given.wakeAt).toBe(T0 + 60 * S + 120 * M)
    // Its bucket is not asked again, and another bucket changes nothing: given once.
    expect(experimentsDue(given.state, T0 + 60 * S + 120 * M, policy)).toEqual([])
    const sent = next(given.state, fired({ exp_1: 0.1 }), T0 + 60 * S + 120 * M, policy)
    expect(sent.state.runs[0]).toMatchObject({ status: 'sending', variant: 'b' })
  })

  it('sends the step itself, outside the experiment, when the shell brought no bucket', () => {
    const t = next(abandoned, fired(), DUE, policy)
    expect(t.state.runs[0]).toMatchObject({ status: 'sending', variant: 'a', experiment: null })
  })

  it('credits a recovery to the variant that was sent', () => {
    let s: CartState = next(abandoned, fired({ exp_1: 0.9 }), DUE, policy).state
    const at = T0 + 60 * S + 120 * M
    s = next(s, fired(), at, policy).state
    s = next(
      s,
      {
        type: 'message.settled',
        stepId: 'email-1h',
        outcome: 'sent',
        messageId: 'msg_1',
        reason: null,
      },
      at,
      policy,
    ).state
    const t = next(s, paid({ placedAt: at + M }), at + M, policy)
    expect(t.state.attribution).toEqual({
      step: 'email-1h',
      channel: 'email',
      via: 'send',
      variant: 'b',
      experiment: 'exp_1',
    })
    expect(t.journal).toContainEqual(
      expect.objectContaining({ type: 'cart.recovered', variant: 'b', experiment: 'exp_1' }),
    )
  })

  it('sends the step as it now is when the experiment ended before the send, outside the figures', () => {
    const given = next(abandoned, fired({ exp_1: 0.7 }), DUE, policy).state
    // "Make b the only variant": the step now says what b said, with no experiment.
    const ended = storePolicy([{ ...email('email-1h', 120), template: tpl('later') }])
    const t = next(given, fired(), T0 + 60 * S + 120 * M, ended)
    expect(t.state.runs[0]).toMatchObject({ status: 'sending', variant: null, experiment: null })
  })

  it('gives the variant again in the experiment that replaced the one it was given in', () => {
    const given = next(abandoned, fired({ exp_1: 0.7 }), DUE, policy).state
    expect(given.runs[0]).toMatchObject({ variant: 'b', experiment: 'exp_1' })
    const replaced = storePolicy([
      { ...step, experiment: { id: 'exp_2', startedAt: '2023-11-15T00:00:00Z' } },
    ])
    const t = next(given, fired({ exp_2: 0.1 }), DUE + M, replaced)
    expect(t.state.runs[0]).toMatchObject({ status: 'sending', variant: 'a', experiment: 'exp_2' })
  })

  it("gives a run deferred before the step had variants its variant's own time, not the deferral's", () => {
    const deferred = {
      ...abandoned,
      runs: abandoned.runs.map((r) => ({
        ...r,
        status: 'deferred' as const,
        notBefore: DUE,
        reason: 'quiet_hours',
      })),
    }
    const t = next(deferred, fired({ exp_1: 0.7 }), DUE, policy)
    expect(t.state.runs[0]).toMatchObject({
      status: 'scheduled',
      variant: 'b',
      notBefore: null,
      dueAt: T0 + 60 * S + 120 * M,
      variantAt: DUE,
    })
    expect(t.effects.filter((e) => e.type === 'send_message')).toEqual([])
  })

  it("keeps the step's own content, without an experiment, for a run that got no bucket", () => {
    // B goes first (30 min), the step's own A later (60 min): no bucket at B's time.
    const early: Step = {
      ...step,
      variants: [{ id: 'b', template: tpl('early'), delaySeconds: 30 * 60 }],
    }
    const p = storePolicy([early])
    const s = next(withEmail, fired(), ABANDON, p).state
    const at = T0 + 60 * S + 30 * M
    const t = next(s, fired(), at, p)
    expect(t.state.runs[0]).toMatchObject({
      status: 'scheduled',
      variant: 'a',
      experiment: null,
      dueAt: T0 + 60 * S + 60 * M,
    })
    expect(t.journal.map((j) => j.type)).toEqual(['experiment.variant'])
    expect(t.wakeAt).toBe(T0 + 60 * S + 60 * M)
    // At A's time it is sent as the step, not reset and given again.
    const sent = next(t.state, fired(), T0 + 60 * S + 60 * M, p)
    expect(sent.state.runs[0]).toMatchObject({ status: 'sending', variant: 'a', experiment: null })
  })
})
