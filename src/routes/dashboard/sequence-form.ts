import { formatMoney } from '../../domain/message/format'
import { MAX_VARIANTS, SequenceSchema, type Step } from '../../domain/sequence/steps'
import { readDuration, splitDuration, UNITS, type Unit } from '../../lib/duration'
import { currencyExponent, decimalToMinor } from '../../lib/money'
import type { ContentForm, FormErrors, StepForm, VariantForm } from '../../views/sequence-form'

export type { FormErrors, StepForm, VariantForm }

// The sequence editor's form: steps as flat fields (`s.<index>.<field>`), read back into steps
// and validated by the same schema the API uses, with each problem pinned to its field.

/** A template, its incentive and delay as form values (a blank delay: none of its own). */
function formOfContent(
  c: { template: Step['template']; incentive?: Step['incentive']; delaySeconds?: number },
  channel: 'email' | 'sms',
  currency: string,
): ContentForm {
  const [delay, delayUnit] =
    c.delaySeconds === undefined ? ['', 'hours' as Unit] : splitDuration(c.delaySeconds)
  const [valid, validUnit] = splitDuration(c.incentive?.validForSeconds ?? 7 * 86_400)
  const t = c.template as Partial<Record<string, string>>
  const i = c.incentive
  const exp = currencyExponent(currency)
  return {
    channel,
    delay,
    delayUnit,
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
  }
}

/** A saved step as form values; a fixed incentive in the store's currency as a decimal. */
export function formOfStep(step: Step, currency: string): StepForm {
  const [window, windowUnit] = splitDuration(step.windowSeconds)
  return {
    id: step.id,
    ...formOfContent(step, step.channel, currency),
    window,
    windowUnit,
    variants: (step.variants ?? []).map((v) => ({
      id: v.id,
      ...formOfContent(v, step.channel, currency),
      remove: false,
    })),
    remove: false,
  }
}

/**
 * A new variant of the step the form shows: its content copied, to be changed, under the
 * first free id of b, c, d. Null when the step has as many variants as it may.
 */
export function blankVariant(f: StepForm): VariantForm | null {
  if (f.variants.length >= MAX_VARIANTS - 1) return null
  const id = ['b', 'c', 'd', 'e'].find((x) => !f.variants.some((v) => v.id === x)) ?? 'e'
  const { id: _, window: __, windowUnit: ___, variants: ____, remove: _____, ...content } = f
  return { ...content, id, delay: '', remove: false }
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
    variants: [],
    remove: false,
  }
}

type Body = Record<string, string | File | (string | File)[]>
const text = (v: Body[string] | undefined) => (typeof v === 'string' ? v : '')
const unit = (v: string): Unit => (v in UNITS ? (v as Unit) : 'hours')

/**
 * The content fields under `prefix` (`s.<i>` or `s.<i>.v.<j>`). Browsers send a textarea's line
 * breaks as CRLF: read as LF, as the API stores them, so saving a page unchanged changes nothing
 * (an experiment would otherwise restart).
 */
function readContent(field: (k: string) => string, channel: 'email' | 'sms'): ContentForm {
  const f = (k: string) => field(k).replace(/\r\n?/g, '\n')
  const kind = f('incentiveKind')
  return {
    channel,
    delay: f('delay').trim(),
    delayUnit: unit(f('delayUnit')),
    subject: f('subject'),
    preheader: f('preheader'),
    heading: f('heading'),
    body: f('body'),
    buttonLabel: f('buttonLabel'),
    incentiveKind: kind === 'percent' || kind === 'fixed' ? kind : '',
    incentiveAmount: f('incentiveAmount').trim(),
    incentiveValid: f('incentiveValid').trim(),
    incentiveValidUnit: unit(f('incentiveValidUnit')),
  }
}

/**
 * The steps a posted form holds, in order, without those ticked for removal (`keepRemoved`:
 * with them, so that positions match the page's, for one step's preview or test). Variants
 * ticked for removal go the same way.
 */
export function readStepForms(body: Body, keepRemoved = false): StepForm[] {
  const forms: StepForm[] = []
  for (let i = 0; i < 20 && `s.${i}.channel` in body; i++) {
    const f = (k: string) => text(body[`s.${i}.${k}`])
    if (f('remove') === 'on' && !keepRemoved) continue
    const channel = f('channel') === 'sms' ? 'sms' : 'email'
    const variants: VariantForm[] = []
    for (let j = 0; j < MAX_VARIANTS && `s.${i}.v.${j}.id` in body; j++) {
      const v = (k: string) => f(`v.${j}.${k}`)
      if (v('remove') === 'on' && !keepRemoved) continue
      variants.push({
        id: v('id').trim(),
        ...readContent(v, channel),
        remove: v('remove') === 'on',
      })
    }
    forms.push({
      id: f('id').trim(),
      ...readContent(f, channel),
      window: f('window').trim(),
      windowUnit: unit(f('windowUnit')),
      variants,
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
    const window = readDuration(f.window, f.windowUnit)
    if (Number.isNaN(window)) errors[`s.${i}.window`] ??= 'Enter a number, such as 12.'
    const own = contentOf(f, currency, `s.${i}`, errors, false)
    const variants = f.variants.map((v, j) => ({
      id: v.id,
      ...contentOf(v, currency, `s.${i}.v.${j}`, errors, true),
    }))
    return {
      id: f.id,
      channel: f.channel,
      ...own,
      windowSeconds: window,
      ...(variants.length > 0 ? { variants } : {}),
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
    // A variant's problem is pinned to the variant's field.
    const at =
      rest[0] === 'variants' && typeof rest[1] === 'number' ? `s.${i}.v.${rest[1]}` : `s.${i}`
    const leaf = String(rest.at(-1) ?? 'id')
    errors[`${at}.${FIELD[leaf] ?? leaf}`] ??= readable(leaf, issue.message)
  }
  return { steps: null, errors }
}

/**
 * A step's or a variant's template, incentive and delay from the form, typing problems noted
 * under `at` (a variant's blank delay is none of its own: the step's).
 */
function contentOf(
  f: ContentForm,
  currency: string,
  at: string,
  errors: FormErrors,
  delayOptional: boolean,
) {
  const note = (field: string, message: string) => {
    errors[`${at}.${field}`] ??= message
  }
  const blankDelay = delayOptional && f.delay === ''
  const delay = blankDelay ? undefined : readDuration(f.delay, f.delayUnit)
  if (delay !== undefined && Number.isNaN(delay)) note('delay', 'Enter a number, such as 1 or 2.5.')
  let incentive: Record<string, unknown> | undefined
  if (f.incentiveKind) {
    const amount =
      f.incentiveKind === 'percent'
        ? number(f.incentiveAmount)
        : decimalToMinor(f.incentiveAmount, currency)
    const valid = readDuration(f.incentiveValid, f.incentiveValidUnit)
    if (amount === null || Number.isNaN(amount) || !Number.isInteger(amount)) {
      note(
        'incentiveAmount',
        f.incentiveKind === 'percent'
          ? 'Enter a whole percent.'
          : `Enter an amount such as ${formatMoney(500, currency)}.`,
      )
    }
    if (Number.isNaN(valid)) note('incentiveValid', 'Enter a number, such as 7.')
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
    ...(delay !== undefined ? { delaySeconds: delay } : {}),
    template,
    ...(incentive ? { incentive } : {}),
  }
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
