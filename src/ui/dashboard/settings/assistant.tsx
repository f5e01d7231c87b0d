import type { FC } from 'hono/jsx'
import { Field } from '../field'
import { Checkbox, type FieldRow, Fields } from './fields'
import { at, type FormState, sectionForm } from './form'
import type { SettingsProps } from './props'
import { Section } from './section'

const modelAndHandoff = (aiMode: string): FieldRow[] => [
  ['ai.model', 'Workers AI model', { hint: `Currently answering with: ${aiMode}.` }],
  [
    'ai.handoffEmail',
    'Hand-offs are emailed to',
    { type: 'email', hint: 'Default: the support or reply-to email.' },
  ],
]

const INCENTIVE: FieldRow[] = [
  ['ai.incentive.amount', 'Amount', {}],
  ['ai.incentiveValid', 'Coupon valid for', { duration: true }],
]

const KNOWLEDGE: FieldRow[] = [
  ['knowledgeBase.shipping', 'Shipping', { rows: 2, max: 1000 }],
  ['knowledgeBase.returns', 'Returns', { rows: 2, max: 1000 }],
  ['knowledgeBase.payment', 'Payment', { rows: 2, max: 1000 }],
  ['knowledgeBase.tone', 'Tone', { placeholder: 'warm and brief' }],
]

/** Each saved question and answer, then two empty pairs to add more. */
const faqRows = (saved: number): FieldRow[][] =>
  Array.from({ length: saved + 2 }, (_, i) => [
    [`knowledgeBase.faq.${i}.q`, `Question ${i + 1}`, { max: 200 }],
    [`knowledgeBase.faq.${i}.a`, `Answer ${i + 1}`, { max: 600 }],
  ])

/** The one incentive a reply may offer: none, percent or amount off. */
const IncentiveKind: FC<{ form: FormState; saved: string | undefined; currency: string }> = (
  props,
) => {
  const kind = props.form.value('ai.incentiveKind', props.saved)
  return (
    <Field
      name="ai.incentiveKind"
      label="Incentive the assistant may offer"
      errors={props.form.errors}
    >
      {(fid) => (
        <select id={fid} name="ai.incentiveKind">
          <option value="">None</option>
          <option value="percent" selected={kind === 'percent'}>
            Percent off
          </option>
          <option value="fixed" selected={kind === 'fixed'}>
            Amount off ({props.currency})
          </option>
        </select>
      )}
    </Field>
  )
}

/** Text replies: on or off, the model, the incentive, and the facts replies may state. */
export const AssistantSection: FC<{ p: SettingsProps }> = ({ p }) => {
  const s = p.store.settings
  const form = sectionForm(p, 'assistant')
  const saved = (name: string) => (name === 'ai.incentive.amount' ? p.units[name] : at(s, name))
  return (
    <Section
      id="assistant"
      title="Text replies"
      p={p}
      intro="When a shopper answers a text, the assistant replies from these facts only; anything else goes to you."
    >
      <Checkbox
        form={form}
        name="ai.enabled"
        saved={s.ai.enabled}
        label="Answer shoppers' texts automatically"
      />
      <div class="grid two">
        <Fields rows={modelAndHandoff(p.modes.ai)} form={form} saved={saved} />
      </div>
      <div class="grid three">
        <IncentiveKind form={form} saved={s.ai.incentive?.kind} currency={p.store.currency} />
        <Fields rows={INCENTIVE} form={form} saved={saved} />
      </div>
      <Fields rows={KNOWLEDGE} form={form} saved={saved} />
      <h3>Questions and answers</h3>
      {form.errors['knowledgeBase.faq'] ? (
        <p class="field-error" role="alert">
          {form.errors['knowledgeBase.faq']}
        </p>
      ) : null}
      {faqRows(s.knowledgeBase.faq.length).map((pair) => (
        <div class="grid two faq">
          <Fields rows={pair} form={form} saved={saved} />
        </div>
      ))}
    </Section>
  )
}
