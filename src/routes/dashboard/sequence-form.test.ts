import { describe, expect, it } from 'vitest'
import { DEFAULT_SEQUENCE } from '../../domain/sequence/steps'
import { blankStep, formOfStep, readStepForms, type StepForm, stepsOf } from './sequence-form'

/** A form post as the browser sends it: `s.<i>.<field>` for every step. */
function posted(forms: StepForm[], extra: Record<string, string> = {}) {
  const body: Record<string, string> = { ...extra }
  forms.forEach((f, i) => {
    for (const [k, v] of Object.entries(f)) {
      if (k === 'remove') {
        if (v) body[`s.${i}.remove`] = 'on'
      } else body[`s.${i}.${k}`] = String(v)
    }
  })
  return body
}

describe('sequence form', () => {
  it('round-trips the default sequence through the form unchanged', () => {
    const forms = DEFAULT_SEQUENCE.map((s) => formOfStep(s, 'USD'))
    expect(forms[0]).toMatchObject({ delay: '1', delayUnit: 'hours' })
    const back = stepsOf(readStepForms(posted(forms)), 'USD')
    expect(back.errors).toEqual({})
    expect(back.steps).toEqual(DEFAULT_SEQUENCE)
  })

  it('reads a fixed incentive in the currency and days into seconds', () => {
    const form = { ...blankStep('email', []), incentiveKind: 'fixed' as const }
    const out = stepsOf([{ ...form, incentiveAmount: '5.50', incentiveValid: '3' }], 'EUR')
    expect(out.steps?.[0]?.incentive).toEqual({
      kind: 'fixed',
      amount: 550,
      validForSeconds: 3 * 86_400,
    })
    expect(formOfStep(out.steps![0]!, 'EUR')).toMatchObject({
      incentiveAmount: '5.50',
      incentiveValid: '3',
      incentiveValidUnit: 'days',
    })
    // 36 hours stays 36 hours (not rounded to whole days) when the form is saved unchanged.
    const hours = stepsOf(
      [{ ...form, incentiveAmount: '1', incentiveValid: '36', incentiveValidUnit: 'hours' }],
      'EUR',
    )
    expect(hours.steps?.[0]?.incentive?.validForSeconds).toBe(36 * 3600)
    expect(formOfStep(hours.steps![0]!, 'EUR')).toMatchObject({
      incentiveValid: '36',
      incentiveValidUnit: 'hours',
    })
  })

  it('pins every problem to its own field', () => {
    const a = { ...blankStep('email', []), delay: 'soon', subject: '   ' }
    expect(stepsOf([a], 'USD').errors).toEqual({
      's.0.delay': 'Enter a number, such as 1 or 2.5.',
      's.0.subject': 'This cannot be empty.',
    })
    const b = { ...blankStep('email', []), subject: ' ', body: 'Hi {{nickname}}' }
    const c = { ...blankStep('sms', ['email-1']), delay: '1', incentiveKind: 'percent' as const }
    const errors = stepsOf([b, { ...c, incentiveAmount: '150' }], 'USD').errors
    expect(errors['s.0.subject']).toBe('This cannot be empty.')
    expect(errors['s.0.body']).toBe('Unknown variable: {{nickname}}')
    expect(errors['s.1.delay']).toMatch(/not before the step above/)
    expect(errors['s.1.incentiveAmount']).toMatch(/at most 100/)
  })

  it('drops steps ticked for removal, unless asked to keep positions', () => {
    const forms = [blankStep('email', []), blankStep('sms', ['email-1'])]
    const body = posted(forms, { 's.0.remove': 'on' })
    expect(readStepForms(body).map((f) => f.id)).toEqual(['sms-2'])
    expect(readStepForms(body, true).map((f) => f.id)).toEqual(['email-1', 'sms-2'])
  })
})
