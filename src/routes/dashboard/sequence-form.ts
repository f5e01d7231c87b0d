import { formatMoney } from '../../domain/message/format'
import { SequenceSchema, type Step } from '../../domain/sequence/steps'
import { readDuration, splitDuration, UNITS, type Unit } from '../../lib/duration'
import { currencyExponent, decimalToMinor } from '../../lib/money'
import type { FormErrors, StepForm } from '../../views/sequence-form'

export type { FormErrors, StepForm }

// The sequence editor's form: steps as flat fields (`s.<index>.<field>`), read back into steps
// and validated by the same schema the API uses, with each problem pinned to its field.

/** A saved step as form values; a fixed incentive in the store's currency as a decimal. */
export function formOfStep(step: Step, currency: string): StepForm {
  const [delay, delayUnit] = splitDuration(step.delaySeconds)
  const [window, windowUnit] = splitDuration(step.windowSeconds)
  const [valid, validUnit] = splitDuration(step.incentive?.validForSeconds ?? 7 * 86_400)
  const t = step.template as Partial<Record<string, string>>
  const i = step.incentive
  const exp = currencyExponent(currency)
  return {
    id: step.id,
    channel: step.channel,
    delay,
    delayUnit,
    window,
    windowUnit,
    subject: t.subject ?? '',
    preheader: t.preheader ?? '',
    heading: t.heading ?? '',
    body: t.body ?? '',
    buttonLabel: t.buttonLabel ?? '',
    incentiveKind: i?.kind ?? '',
    incentiveAmount: i
      ? i.kind === 'percent'
        ? String(i.amount)
        : (i.amount / 10 ** exp).toFixed(exp)
      : '',
    incentiveValid: valid,
    incentiveValidUnit: validUnit,
    remove: false,
  }
}

/** A new step of a channel, with an id no other step has and a sensible template. */
export function blankStep(channel: 'email' | 'sms', taken: string[]): StepForm {
  let n = taken.length + 1
  while (taken.includes(`${channel}-${n}`)) n++
  return {
    id: `${channel}-${n}`,
    channel,
    delay: '24',
    delayUnit: 'hours',
    window: '12',
    windowUnit: 'hours',
    subject: channel === 'email' ? 'Your cart is waiting' : '',
    preheader: '',
    heading: channel === 'email' ? 'Still thinking it over?' : '',
    body:
      channel === 'email'
        ? 'Your items at {{storeName}} are saved for you.'
        : '{{storeName}}: your cart ({{total}}) is saved. Finish here: {{restoreUrl}}',
    buttonLabel: channel === 'email' ? 'Return to my cart' : '',
    incentiveKind: '',
    incentiveAmount: '',
    incentiveValid: '7',
    incentiveValidUnit: 'days',
    remove: false,
  }
}

type Body = Record<string, string | File | (string | File)[]>
const text = (v: Body[string] | undefined) => (typeof v === 'string' ? v : '')
const unit = (v: string): Unit => (v in UNITS ? (v as Unit) : 'hours')

/**
 * The steps a posted form holds, in order, without those ticked for removal (`keepRemoved`:
 * with them, so that positions match the page's, for one step's preview or test).
 */
export function readStepForms(body: Body, keepRemoved = false): StepForm[] {
  const forms: StepForm[] = []
  for (let i = 0; i < 20 && `s.${i}.channel` in body; i++) {
    const f = (k: string) => text(body[`s.${i}.${k}`])
    if (f('remove') === 'on' && !keepRemoved) continue
    const kind = f('incentiveKind')
    forms.push({
      id: f('id').trim(),
      channel: f('channel') === 'sms' ? 'sms' : 'email',
      delay: f('delay').trim(),
      delayUnit: unit(f('delayUnit')),
      window: f('window').trim(),
      windowUnit: unit(f('windowUnit')),
      subject: f('subject'),
      preheader: f('preheader'),
      heading: f('heading'),
      body: f('body'),
      buttonLabel: f('buttonLabel'),
      incentiveKind: kind === 'percent' || kind === 'fixed' ? kind : '',
      incentiveAmount: f('incentiveAmount').trim(),
      incentiveValid: f('incentiveValid').trim(),
      incentiveValidUnit: unit(f('incentiveValidUnit')),
      remove: f('remove') === 'on',
    })
  }
  return forms
}

// Schema paths → the form field that shows the problem.
const FIELD: Record<string, string> = {
  delaySeconds: 'delay',
  windowSeconds: 'window',
  amount: 'incentiveAmount',
  validForSeconds: 'incentiveValid',
  kind: 'incentiveKind',
}

const number = (v: string) => (/^\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN)

/**
 * Form values → steps, validated as the API validates them. Returns the steps, or the errors
 * by field (a step's own problems under `s.<i>.<field>`).
 */
export function stepsOf(
  forms: StepForm[],
  currency: string,
): { steps: Step[]; errors: FormErrors } | { steps: null; errors: FormErrors } {
  const errors: FormErrors = {}
  const raw = forms.map((f, i) => {
    const at = (field: string, message: string) => {
      errors[`s.${i}.${field}`] ??= message
    }
    const delay = readDuration(f.delay, f.delayUnit)
    const window = readDuration(f.window, f.windowUnit)
    if (Number.isNaN(delay)) at('delay', 'Enter a number, such as 1 or 2.5.')
    if (Number.isNaN(window)) at('window', 'Enter a number, such as 12.')
    let incentive: Record<string, unknown> | undefined
    if (f.incentiveKind) {
      const amount =
        f.incentiveKind === 'percent'
          ? number(f.incentiveAmount)
          : decimalToMinor(f.incentiveAmount, currency)
      const valid = readDuration(f.incentiveValid, f.incentiveValidUnit)
      if (amount === null || Number.isNaN(amount) || !Number.isInteger(amount)) {
        at(
          'incentiveAmount',
          f.incentiveKind === 'percent'
            ? 'Enter a whole percent.'
            : `Enter an amount such as ${formatMoney(500, currency)}.`,
        )
      }
      if (Number.isNaN(valid)) at('incentiveValid', 'Enter a number, such as 7.')
      incentive = { kind: f.incentiveKind, amount, validForSeconds: valid }
    }
    const template =
      f.channel === 'sms'
        ? { body: f.body }
        : {
            subject: f.subject,
            ...(f.preheader.trim() ? { preheader: f.preheader } : {}),
            heading: f.heading,
            body: f.body,
            buttonLabel: f.buttonLabel,
          }
    return {
      id: f.id,
      channel: f.channel,
      delaySeconds: delay,
      windowSeconds: window,
      template,
      ...(incentive ? { incentive } : {}),
    }
  })
  // The schema checks the rest, so the page shows every problem at once (typing errors above
  // keep their own, plainer message).
  const parsed = SequenceSchema.safeParse(raw)
  if (parsed.success && Object.keys(errors).length === 0) return { steps: parsed.data, errors }
  if (parsed.success) return { steps: null, errors }
  for (const issue of parsed.error.issues) {
    const [i, ...rest] = issue.path
    if (typeof i !== 'number') {
      errors.sequence ??= issue.message
      continue
    }
    const leaf = String(rest.at(-1) ?? 'id')
    errors[`s.${i}.${FIELD[leaf] ?? leaf}`] ??= readable(leaf, issue.message)
  }
  return { steps: null, errors }
}

/** Zod's wording for people: bounds in the units the form uses. */
function readable(field: string, message: string) {
  if (field === 'delaySeconds')
    return 'The delay must be between 0 and 30 days, and not before the step above.'
  if (field === 'windowSeconds') return 'The window must be between 1 minute and 30 days.'
  if (field === 'validForSeconds') return 'A coupon is valid for 1 hour to 90 days.'
  if (/too_small|at least 1|>=1/i.test(message) || /Too small/.test(message))
    return 'This cannot be empty.'
  return message.charAt(0).toUpperCase() + message.slice(1)
}
