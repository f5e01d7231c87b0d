import type { Item } from '../cart/types'
import type { EmailStep, Sender, SmsStep } from '../sequence/steps'
import { describeIncentive, formatMoney, formatMoneyForText } from './format'
import { countSegments } from './segments'
import { MAX_SMS_SEGMENTS, SMS_FIRST_NAME_MAX, STOP_FOOTER } from './sms'
import { fill, type TemplateValues } from './template'

/** Everything a message is made from, gathered by the shell. */
export type MessageInput = {
  storeName: string
  sender: Sender
  currency: string
  locale: string | null
  firstName: string | null
  items: Item[]
  total: number
  restoreUrl: string
  unsubscribeUrl: string
  /** `currency`: the store's, for a fixed amount (the cart's otherwise). */
  incentive: { kind: 'percent' | 'fixed'; amount: number; code: string; currency?: string } | null
}

export function templateValues(
  input: MessageInput,
  firstNameMax = 100,
  forText = false,
): TemplateValues {
  const locale = input.locale ?? 'en-US'
  const money = forText ? formatMoneyForText : formatMoney
  return {
    storeName: input.storeName,
    firstName: (input.firstName ?? '').slice(0, firstNameMax),
    itemCount: String(input.items.reduce((n, i) => n + i.quantity, 0)),
    total: money(input.total, input.currency, locale),
    restoreUrl: input.restoreUrl,
    incentive: input.incentive
      ? describeIncentive(input.incentive, input.incentive.currency ?? input.currency, locale)
      : '',
    incentiveCode: input.incentive?.code ?? '',
  }
}

/** The words of an email step, filled in (the HTML layout is ui/email). */
export function composeEmailText(step: EmailStep, input: MessageInput) {
  const v = templateValues(input)
  const t = step.template
  return {
    subject: fill(t.subject, v),
    preheader: t.preheader ? fill(t.preheader, v) : '',
    heading: fill(t.heading, v),
    body: fill(t.body, v),
    buttonLabel: fill(t.buttonLabel, v),
  }
}

export type ComposedSms =
  | { text: string; segments: number }
  | { error: 'too_long'; segments: number }

/**
 * A text message: the template filled in, and the opt-out footer on a phone's first text. If a
 * long name pushes it past two segments, the name is dropped; if it still does not fit, the
 * step is skipped rather than sent cut or billed as three.
 */
export function composeSms(step: SmsStep, input: MessageInput, firstText: boolean): ComposedSms {
  const footer = firstText ? STOP_FOOTER : ''
  for (const firstName of [input.firstName, null]) {
    const text =
      fill(step.template.body, templateValues({ ...input, firstName }, SMS_FIRST_NAME_MAX, true)) +
      footer
    const { segments } = countSegments(text)
    if (segments <= MAX_SMS_SEGMENTS) return { text, segments }
    if (firstName === null) return { error: 'too_long', segments }
  }
  return { error: 'too_long', segments: Number.POSITIVE_INFINITY }
}
