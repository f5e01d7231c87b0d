import type { FC } from 'hono/jsx'
import type { FormErrors, StepForm } from '../../views/sequence-form'
import { Duration, Field } from './field'
import { channelName } from './format'

const VARIABLES = '{{firstName}} {{storeName}} {{total}} {{itemCount}} {{restoreUrl}} {{coupon}}'

type Section = { f: StepForm; i: number; errors: FormErrors }
const nameOf = (i: number, k: string) => `s.${i}.${k}`

/** One text input of a step, with its label, hint and error. */
const TextField: FC<
  Section & { k: Exclude<keyof StepForm, 'remove'>; label: string; max: number; hint?: string }
> = ({ f, i, errors, k, label, max, hint }) => {
  const name = nameOf(i, k)
  return (
    <Field name={name} label={label} errors={errors} {...(hint ? { hint } : {})}>
      {(id, by) => (
        <input
          id={id}
          name={name}
          value={f[k]}
          maxlength={max}
          aria-describedby={by}
          aria-invalid={errors[name] ? 'true' : undefined}
        />
      )}
    </Field>
  )
}

/** A duration of a step: a number and its unit (`<k>` and `<k>Unit`). */
const StepDuration: FC<Section & { k: 'delay' | 'window' | 'incentiveValid'; label: string }> = ({
  f,
  i,
  errors,
  k,
  label,
}) => (
  <Duration name={nameOf(i, k)} label={label} value={f[k]} unit={f[`${k}Unit`]} errors={errors} />
)

/** The step id and its channel (changing it redraws the step with that channel's fields). */
const IdAndChannel: FC<Section> = ({ f, i, errors }) => (
  <div class="row3">
    <TextField
      f={f}
      i={i}
      errors={errors}
      k="id"
      label="Step id"
      max={32}
      hint="lower-case, digits, dashes"
    />
    <Field name={nameOf(i, 'channel')} label="Channel" errors={errors}>
      {(id, by) => (
        <div class="joined">
          <select id={id} name={nameOf(i, 'channel')} aria-describedby={by} data-refresh>
            <option value="email" selected={f.channel === 'email'}>
              Email
            </option>
            <option value="sms" selected={f.channel === 'sms'}>
              Text
            </option>
          </select>
          <button class="btn secondary" type="submit" name="refresh" value="1" data-refresh-button>
            Update
          </button>
        </div>
      )}
    </Field>
  </div>
)

/** When the step is sent: its delay after abandonment and its latest send. */
const Timing: FC<Section> = ({ f, i, errors }) => (
  <div class="row3">
    <StepDuration f={f} i={i} errors={errors} k="delay" label="Send after abandonment" />
    <StepDuration f={f} i={i} errors={errors} k="window" label="Latest send (window)" />
  </div>
)

/** The message itself: an email's subject, preheader, heading, body and button, or a text. */
const Content: FC<Section> = ({ f, i, errors }) => {
  const email = f.channel === 'email'
  const field = { f, i, errors, max: 200 }
  return (
    <>
      {email ? (
        <>
          <TextField {...field} k="subject" label="Subject" />
          <TextField {...field} k="preheader" label="Preheader (inbox preview text)" />
          <TextField {...field} k="heading" label="Heading" />
        </>
      ) : null}
      <Field
        name={nameOf(i, 'body')}
        label={email ? 'Body' : 'Text'}
        errors={errors}
        hint={`Variables: ${VARIABLES}${f.channel === 'sms' ? '. "Reply STOP to opt out" is added to the first text.' : ''}`}
      >
        {(id, by) => (
          <textarea
            id={id}
            name={nameOf(i, 'body')}
            rows={email ? 5 : 3}
            maxlength={email ? 5000 : 1000}
            aria-describedby={by}
          >
            {f.body}
          </textarea>
        )}
      </Field>
      {email ? <TextField {...field} k="buttonLabel" label="Button label" max={60} /> : null}
    </>
  )
}

/** The step's coupon: none, percent or amount off, and how long it stays valid. */
const Incentive: FC<Section & { currency: string }> = ({ f, i, errors, currency }) => (
  <div class="row3">
    <Field name={nameOf(i, 'incentiveKind')} label="Incentive" errors={errors}>
      {(id) => (
        <select id={id} name={nameOf(i, 'incentiveKind')}>
          <option value="">None</option>
          <option value="percent" selected={f.incentiveKind === 'percent'}>
            Percent off
          </option>
          <option value="fixed" selected={f.incentiveKind === 'fixed'}>
            Amount off ({currency})
          </option>
        </select>
      )}
    </Field>
    <TextField f={f} i={i} errors={errors} k="incentiveAmount" label="Amount" max={12} />
    <StepDuration f={f} i={i} errors={errors} k="incentiveValid" label="Coupon valid for" />
  </div>
)

/** Preview (into the step's frame), send a test, or mark the step for removal. */
const StepActions: FC<{ f: StepForm; i: number; storeId: string }> = ({ f, i, storeId }) => (
  <div class="actions">
    <button
      class="btn secondary"
      type="submit"
      name="preview"
      value={String(i)}
      formaction={`/sequences/${encodeURIComponent(storeId)}/preview`}
      formtarget={`preview-${i}`}
      data-preview={i}
    >
      Preview
    </button>
    <button
      class="btn secondary"
      type="submit"
      name="test"
      value={String(i)}
      formaction={`/sequences/${encodeURIComponent(storeId)}/test`}
    >
      Send me a test
    </button>
    <label class="inline remove">
      <input type="checkbox" name={nameOf(i, 'remove')} checked={f.remove} /> Remove this step
    </label>
  </div>
)

/** One step of the sequence editor: its fields beside its preview frame. */
export const StepCard: FC<{
  f: StepForm
  i: number
  errors: FormErrors
  store: { id: string; currency: string }
  /** Saved as shown: the preview loads at once (else on "Preview"). */
  saved: boolean
}> = ({ f, i, errors, store, saved }) => {
  const section = { f, i, errors }
  const src = saved
    ? `/sequences/${encodeURIComponent(store.id)}/preview/${encodeURIComponent(f.id)}`
    : 'about:blank'
  return (
    <fieldset class="card step" data-step={i}>
      <legend>
        Step {i + 1} · {channelName(f.channel)}
      </legend>
      <div class="step-grid">
        <div class="step-fields">
          <IdAndChannel {...section} />
          <Timing {...section} />
          <Content {...section} />
          <Incentive {...section} currency={store.currency} />
          <StepActions f={f} i={i} storeId={store.id} />
        </div>
        <div class="step-preview">
          <iframe
            name={`preview-${i}`}
            title={`Preview of step ${i + 1}`}
            src={src}
            sandbox=""
            loading="lazy"
          />
        </div>
      </div>
    </fieldset>
  )
}
