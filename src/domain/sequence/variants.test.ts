import { describe, expect, it } from 'vitest'
import { email } from '#test/domain/steps'
import { type Step, StepSchema } from './steps'
import {
  asVariant,
  earliestDelay,
  experimentPatchProblem,
  experimentsAfter,
  keepOnly,
  pickVariant,
  variantIds,
} from './variants'

const T = Date.parse('2026-12-01T00:00:00Z')
const tpl = (subject: string) => ({ subject, heading: 'h', body: 'b', buttonLabel: 'go' })
const base = email('email-1h', 60)
const twoWay: Step = {
  ...base,
  variants: [
    {
      id: 'b',
      template: tpl('Ten percent off'),
      incentive: { kind: 'percent', amount: 10, validForSeconds: 86_400 },
      delaySeconds: 7200,
    },
  ],
}
let n = 0
const ids = () => `exp_${++n}`

describe('step variants: the schema', () => {
  it('takes one to three variants beside the step, ids unique and never "a"', () => {
    expect(StepSchema.safeParse(twoWay).success).toBe(true)
    const four = { ...base, variants: ['b', 'c', 'd'].map((id) => ({ id, template: tpl(id) })) }
    expect(StepSchema.safeParse(four).success).toBe(true)
    const five = {
      ...base,
      variants: ['b', 'c', 'd', 'e'].map((id) => ({ id, template: tpl(id) })),
    }
    expect(StepSchema.safeParse(five).success).toBe(false)
    const dup = { ...base, variants: ['b', 'b'].map((id) => ({ id, template: tpl(id) })) }
    expect(StepSchema.safeParse(dup).error?.issues[0]?.message).toBe('duplicate variant "b"')
    const a = { ...base, variants: [{ id: 'a', template: tpl('x') }] }
    expect(StepSchema.safeParse(a).success).toBe(false)
    expect(StepSchema.safeParse({ ...base, variants: [] }).success).toBe(false)
  })

  it("refuses a text variant on an email step (each variant is the step's channel)", () => {
    const wrong = { ...base, variants: [{ id: 'b', template: { body: 'hi' } }] }
    expect(StepSchema.safeParse(wrong).success).toBe(false)
  })
})

describe('step variants: what each sends', () => {
  it("sends a variant's own template, incentive and delay, never the step's incentive", () => {
    const withOwn: Step = {
      ...twoWay,
      incentive: { kind: 'fixed', amount: 500, validForSeconds: 3600 },
    }
    const b = asVariant(withOwn, 'b')
    expect(b.variant).toBe('b')
    expect(b.step).toMatchObject({
      id: 'email-1h',
      delaySeconds: 7200,
      template: tpl('Ten percent off'),
    })
    expect(b.step.incentive).toEqual({ kind: 'percent', amount: 10, validForSeconds: 86_400 })
    expect(b.step).not.toHaveProperty('variants')
    const noIncentive = { ...twoWay, variants: [{ id: 'b', template: tpl('plain') }] }
    const plain = asVariant({ ...noIncentive, incentive: withOwn.incentive }, 'b').step
    expect(plain.incentive).toBeUndefined()
    expect(plain.delaySeconds).toBe(3600)
  })

  it('sends the step itself for "a", and for a variant it no longer has (null: outside any)', () => {
    expect(asVariant(twoWay, 'a')).toEqual({ step: base, variant: 'a' })
    expect(asVariant(twoWay, 'z')).toEqual({ step: base, variant: null })
    expect(asVariant(base, 'b')).toEqual({ step: base, variant: null })
  })

  it('splits buckets into equal shares in order', () => {
    const three: Step = { ...base, variants: ['b', 'c'].map((id) => ({ id, template: tpl(id) })) }
    expect(variantIds(three)).toEqual(['a', 'b', 'c'])
    expect([0, 0.33, 0.34, 0.66, 0.67, 0.999].map((b) => pickVariant(three, b))).toEqual([
      'a',
      'a',
      'b',
      'b',
      'c',
      'c',
    ])
  })

  it("decides a cart's variant at the earliest variant's delay", () => {
    expect(earliestDelay(twoWay)).toBe(3600)
    expect(earliestDelay({ ...twoWay, delaySeconds: 9000 })).toBe(7200)
  })
})

describe('step variants: experiments', () => {
  it('starts an experiment when variants are added, and keeps it while they stay the same', () => {
    const first = experimentsAfter([base], [twoWay], T, ids)
    const started = first.sequence[0]?.experiment
    expect(started).toEqual({
      id: expect.stringMatching(/^exp_/),
      startedAt: '2026-12-01T00:00:00.000Z',
    })
    expect(first.changes).toEqual([
      {
        change: 'started',
        kind: 'step',
        id: started?.id,
        stepId: 'email-1h',
        variants: ['a', 'b'],
        at: T,
      },
    ])
    // Sent back as read, or with only its window changed: the same experiment.
    const again = experimentsAfter(
      first.sequence,
      [{ ...twoWay, windowSeconds: 99_000 }],
      T + 1,
      ids,
    )
    expect(again.sequence[0]?.experiment).toEqual(started)
    expect(again.changes).toEqual([])
  })

  it('ends the experiment and starts another when what a variant says changes', () => {
    const first = experimentsAfter([base], [twoWay], T, ids).sequence
    const edited: Step = { ...twoWay, variants: [{ id: 'b', template: tpl('Free shipping') }] }
    const { sequence, changes } = experimentsAfter(first, [edited], T + 5, ids)
    expect(sequence[0]?.experiment?.id).not.toBe(first[0]?.experiment?.id)
    expect(changes.map((c) => c.change)).toEqual(['ended', 'started'])
    expect(changes[0]).toEqual({
      change: 'ended',
      id: first[0]?.experiment?.id,
      kept: null,
      at: T + 5,
    })
  })

  it('"make this the only variant" ends the experiment and names the variant kept', () => {
    const first = experimentsAfter([base], [twoWay], T, ids).sequence
    const only = keepOnly(first[0] as Step, 'b') as Step
    expect(only).toMatchObject({
      id: 'email-1h',
      delaySeconds: 7200,
      template: tpl('Ten percent off'),
    })
    expect(only).not.toHaveProperty('variants')
    const { sequence, changes } = experimentsAfter(first, [only], T + 9, ids)
    expect(sequence[0]).not.toHaveProperty('experiment')
    expect(changes).toEqual([
      { change: 'ended', id: first[0]?.experiment?.id, kept: 'b', at: T + 9 },
    ])
    expect(keepOnly(first[0] as Step, 'q')).toBeNull()
  })

  it('ends the experiment of a step removed from the sequence', () => {
    const first = experimentsAfter([base], [twoWay], T, ids).sequence
    const { changes } = experimentsAfter(first, [], T + 1, ids)
    expect(changes).toEqual([
      { change: 'ended', id: first[0]?.experiment?.id, kept: null, at: T + 1 },
    ])
  })

  it("refuses a patch that sets a step's experiment, but takes it sent back as read", () => {
    const stored = experimentsAfter([base], [twoWay], T, ids).sequence
    const asRead = JSON.parse(JSON.stringify(stored))
    expect(experimentPatchProblem(asRead, stored)).toBeNull()
    expect(experimentPatchProblem([twoWay], stored)).toBeNull()
    const forged = [
      { ...twoWay, experiment: { id: 'exp_mine', startedAt: '2020-01-01T00:00:00Z' } },
    ]
    expect(experimentPatchProblem(forged, stored)).toMatch(
      /sequence\[0\]\.experiment is set by the server/,
    )
  })

  it('names the variant kept when two say the same', () => {
    const twin = { ...base, variants: [{ id: 'b', template: tpl('s') }] } as Step
    const first = experimentsAfter([base], [twin], T, ids).sequence
    const only = keepOnly(first[0] as Step, 'b') as Step
    const hinted = experimentsAfter(first, [only], T + 1, ids, { stepId: 'email-1h', variant: 'b' })
    expect(hinted.changes).toEqual([expect.objectContaining({ change: 'ended', kept: 'b' })])
    // Without saying which, the first variant with that content.
    expect(experimentsAfter(first, [only], T + 1, ids).changes[0]).toMatchObject({ kept: 'a' })
  })
})
