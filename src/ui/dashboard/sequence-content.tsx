import type { FC } from 'hono/jsx'
import type { ContentForm, FormErrors } from '../../views/sequence-form'
import { Duration, Field } from './field'

const VARIABLES = '{{firstName}} {{storeName}} {{total}} {{itemCount}} {{restoreUrl}} {{coupon}}'

/** Fields of a step or of one of its variants, named `<prefix>.<field>` (`s.0`, `s.0.v.1`). */
export type Section = { f: ContentForm; prefix: string; errors: FormErrors }

type TextKey = 'subject' | 'preheader' | 'heading' | 'buttonLabel' | 'incentiveAmount'

/** One text input of a step, with its label, hint and error. */
export const TextField: FC<{
  name: string
  value: string
  errors: FormErrors
  label: string
  max: number
  hint?: string
}> = ({ name, value, errors, label, max, hint }) => (
  <Field name={name} label={label} errors={errors} {...(hint ? { hint } : {})}>
    {(id, by) => (
      <input
        id={id}
        name={name}
        value={value}
        maxlength={max}
        aria-describedby={by}
        aria-invalid={errors[name] ? 'true' : undefined}
      />
    )}
  </Field>
)

const Own: FC<Section & { k: TextKey; label: string; max: number }> = ({
  f,
  prefix,
  errors,
  k,
  label,
  max,
}) => <TextField name={`${prefix}.${k}`} value={f[k]} errors={errors} label={label} max={max} />

/** A duration: a number and its unit (`<k>` and `<k>Unit`). */
export const ContentDuration: FC<
  Section & { k: 'delay' | 'incentiveValid'; label: string; hint?: string }
> = ({ f, prefix, errors, k, label, hint }) => (
  <Duration
    name={`${prefix}.${k}`}
    label={label}
    value={f[k]}
    unit={f[`${k}Unit`]}
    errors={errors}
    {...(hint ? { hint } : {})}
  />
)

/** The message itself: an email's subject, preheader, heading, body and button, or a text. */
export const Content: FC<Section> = (s) => {
  const email = s.f.channel === 'email'
  const name = `${s.prefix}.body`
  return (
    <>
      {email ? (
        <>
          <Own {...s} k="subject" label="Subject" max={200} />
          <Own {...s} k="preheader" label="Preheader (inbox preview text)" max={200} />
          <Own {...s} k="heading" label="Heading" max={200} />
        </>
      ) : null}
      <Field
        name={name}
        label={email ? 'Body' : 'Text'}
        errors={s.errors}
        hint={`Variables: ${VARIABLES}${email ? '' : '. "Reply STOP to opt out" is added to the first text.'}`}
      >
        {(id, by) => (
          <textarea
            id={id}
            name={name}
            rows={email ? 5 : 3}
            maxlength={email ? 5000 : 1000}
            aria-describedby={by}
          >
            {s.f.body}
          </textarea>
        )}
      </Field>
      {email ? <Own {...s} k="buttonLabel" label="Button label" max={60} /> : null}
    </>
  )
}

/** The coupon: none, percent or amount off, and how long it stays valid. */
export const Incentive: FC<Section & { currency: string }> = (s) => (
  <div class="row3">
    <Field name={`${s.prefix}.incentiveKind`} label="Incentive" errors={s.errors}>
      {(id) => (
        <select id={id} name={`${s.prefix}.incentiveKind`}>
          <option value="">None</option>
          <option value="percent" selected={s.f.incentiveKind === 'percent'}>
            Percent off
          </option>
          <option value="fixed" selected={s.f.incentiveKind === 'fixed'}>
            Amount off ({s.currency})
          </option>
        </select>
      )}
    </Field>
    <Own {...s} k="incentiveAmount" label="Amount" max={12} />
    <ContentDuration {...s} k="incentiveValid" label="Coupon valid for" />
  </div>
)
