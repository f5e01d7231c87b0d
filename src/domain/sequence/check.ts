import { MAX_SMS_SEGMENTS, worstCaseSms } from '../message/sms'
import type { SequenceProblem, Step } from './steps'
import { asVariant, variantIds } from './variants'

/** Length of the short restore links texts carry: `<base>/s/` and a 10-character code. */
export function shortLinkLength(publicBase: string): number {
  return `${publicBase}/s/`.length + 10
}

/**
 * Checks every text step at its longest (see worstCaseSms): more than two segments is refused
 * when the sequence is saved, so no reminder is cut or billed as three.
 */
export function checkSequence(
  steps: Step[],
  opts: { storeName: string; linkLength: number },
): SequenceProblem[] {
  const problems: SequenceProblem[] = []
  for (const step of steps) {
    if (step.channel !== 'sms') continue
    // Every variant is a text of its own: each must fit.
    for (const id of variantIds(step)) {
      const v = asVariant(step, id).step
      if (v.channel !== 'sms') continue
      const worst = worstCaseSms(v.template.body, opts)
      if (worst.segments <= MAX_SMS_SEGMENTS) continue
      const which = step.variants ? `variant ${id}: ` : ''
      problems.push({
        stepId: step.id,
        ...(step.variants ? { variant: id } : {}),
        message: `${which}the text can reach ${worst.segments} segments (${worst.units} ${worst.encoding === 'GSM-7' ? 'characters' : 'UCS-2 units'} with the longest names, the link and "Reply STOP to opt out"); the limit is ${MAX_SMS_SEGMENTS}`,
      })
    }
  }
  return problems
}
