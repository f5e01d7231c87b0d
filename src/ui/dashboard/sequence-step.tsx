import type { FC } from 'hono/jsx'
import type {
  FormErrors,
  StepExperimentNote,
  StepForm,
  VariantForm,
} from '../../views/sequence-form'
import { Duration, Field } from './field'
import { channelName } from './format'
import { Content, ContentDuration, Incentive, type Section, TextField } from './sequence-content'

const nameOf = (i: number, k: string) => `s.${i}.${k}`

/** The step id and its channel (changing it redraws the step with that channel's fields). */
const IdAndChannel: FC<{ f: StepForm; i: number; errors: FormErrors }> = ({ f, i, errors }) => (
  <div class="row3">
    <TextField
      name={nameOf(i, 'id')}
      value={f.id}
      errors={errors}
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
const Timing: FC<{ f: StepForm; i: number; errors: FormErrors }> = ({ f, i, errors }) => (
  <div class="row3">
    <ContentDuration
      f={f}
      prefix={`s.${i}`}
      errors={errors}
      k="delay"
      label="Send after abandonment"
    />
    <Duration
      name={nameOf(i, 'window')}
      label="Latest send (window)"
      value={f.window}
      unit={f.windowUnit}
      errors={errors}
    />
  </div>
)

/** A preview button aimed at a frame; `value` names the step (`3`) or its variant (`3.1`). */
const PreviewButton: FC<{ storeId: string; value: string; target: string }> = (p) => (
  <button
    class="btn secondary"
    type="submit"
    name="preview"
    value={p.value}
    formaction={`/sequences/${encodeURIComponent(p.storeId)}/preview`}
    formtarget={p.target}
    data-preview={p.value}
  >
    Preview
  </button>
)

/** "Make this the only variant": ends the step's experiment, keeping that variant's content. */
const KeepButton: FC<{ storeId: string; stepId: string; variant: string }> = (p) => (
  <button
    class="btn secondary"
    type="submit"
    name="keep"
    value={`${p.stepId}:${p.variant}`}
    formaction={`/sequences/${encodeURIComponent(p.storeId)}/keep`}
    data-confirm={`End this experiment and send only variant ${p.variant.toUpperCase()}?`}
  >
    Make this the only variant
  </button>
)

/** Preview (into the step's frame), send a test, add a variant, or remove the step. */
const StepActions: FC<{ f: StepForm; i: number; storeId: string; keep: boolean }> = (p) => (
  <div class="actions">
    <PreviewButton storeId={p.storeId} value={String(p.i)} target={`preview-${p.i}`} />
    <button
      class="btn secondary"
      type="submit"
      name="test"
      value={String(p.i)}
      formaction={`/sequences/${encodeURIComponent(p.storeId)}/test`}
    >
      Send me a test
    </button>
    {p.f.variants.length < 3 ? (
      <button class="btn secondary" type="submit" name="addVariant" value={String(p.i)}>
        Add a variant
      </button>
    ) : null}
    {p.keep ? <KeepButton storeId={p.storeId} stepId={p.f.id} variant="a" /> : null}
    <label class="inline remove">
      <input type="checkbox" name={nameOf(p.i, 'remove')} checked={p.f.remove} /> Remove this step
    </label>
  </div>
)

/** A frame for a preview: loaded at once from `src`, or on "Preview" (`about:blank`). */
const PreviewFrame: FC<{ name: string; title: string; src: string }> = (p) => (
  <div class="step-preview">
    <iframe name={p.name} title={p.title} src={p.src} sandbox="" loading="lazy" />
  </div>
)

/** One variant of a step: its own delay, content and coupon, beside its own preview. */
const VariantCard: FC<{
  v: VariantForm
  i: number
  j: number
  errors: FormErrors
  store: { id: string; currency: string }
  stepId: string
  src: string
  keep: boolean
}> = ({ v, i, j, errors, store, stepId, src, keep }) => {
  const prefix = `s.${i}.v.${j}`
  const section: Section = { f: v, prefix, errors }
  const label = `Variant ${v.id.toUpperCase()}`
  return (
    <fieldset class="variant" data-variant={`${i}.${j}`}>
      <legend>{label}</legend>
      <input type="hidden" name={`${prefix}.id`} value={v.id} />
      <div class="step-grid">
        <div class="step-fields">
          <div class="row3">
            <ContentDuration
              {...section}
              k="delay"
              label="Send after abandonment"
              hint="Blank: the step's own"
            />
          </div>
          <Content {...section} />
          <Incentive {...section} currency={store.currency} />
          <div class="actions">
            <PreviewButton storeId={store.id} value={`${i}.${j}`} target={`preview-${i}-${j}`} />
            {keep ? <KeepButton storeId={store.id} stepId={stepId} variant={v.id} /> : null}
            <label class="inline remove">
              <input type="checkbox" name={`${prefix}.remove`} checked={v.remove} /> Remove this
              variant
            </label>
          </div>
        </div>
        <PreviewFrame name={`preview-${i}-${j}`} title={`Preview of ${label}`} src={src} />
      </div>
    </fieldset>
  )
}

/** One step of the sequence editor: its fields beside its preview frame, then its variants. */
export const StepCard: FC<{
  f: StepForm
  i: number
  errors: FormErrors
  store: { id: string; currency: string }
  /** Saved as shown: the preview loads at once (else on "Preview"). */
  saved: boolean
  /** The step's running experiment, as saved. */
  experiment: StepExperimentNote | null
}> = ({ f, i, errors, store, saved, experiment }) => {
  const base = `/sequences/${encodeURIComponent(store.id)}/preview/${encodeURIComponent(f.id)}`
  const src = (variant?: string) =>
    saved ? (variant ? `${base}?variant=${encodeURIComponent(variant)}` : base) : 'about:blank'
  // Only a saved experiment, shown as saved, can be ended by keeping one of its variants.
  const keep = saved && experiment !== null && f.variants.length > 0
  return (
    <fieldset class="card step" data-step={i}>
      <legend>
        Step {i + 1} · {channelName(f.channel)}
        {f.variants.length > 0 ? ` · ${f.variants.length + 1} variants` : ''}
      </legend>
      {experiment ? (
        <p class="faint small">
          Experiment running since {experiment.startedAt.slice(0, 10)}: each cart gets one variant
          at random. <a href={`/experiments?store=${encodeURIComponent(store.id)}`}>See results</a>.
          Changing what a variant says starts a new experiment.
        </p>
      ) : null}
      <div class="step-grid">
        <div class="step-fields">
          <IdAndChannel f={f} i={i} errors={errors} />
          <Timing f={f} i={i} errors={errors} />
          {f.variants.length > 0 ? <h3 class="variant-head">Variant A</h3> : null}
          <Content f={f} prefix={`s.${i}`} errors={errors} />
          <Incentive f={f} prefix={`s.${i}`} errors={errors} currency={store.currency} />
          <StepActions f={f} i={i} storeId={store.id} keep={keep} />
        </div>
        <PreviewFrame name={`preview-${i}`} title={`Preview of step ${i + 1}`} src={src()} />
      </div>
      {f.variants.map((v, j) => (
        <VariantCard
          v={v}
          i={i}
          j={j}
          errors={errors}
          store={store}
          stepId={f.id}
          src={src(v.id)}
          keep={keep}
        />
      ))}
    </fieldset>
  )
}
