import type { FC } from 'hono/jsx'
import type { FormErrors, StepForm } from '../../views/sequence-form'
import { Duration, Field } from './field'
import { channelName } from './format'
import { Flash, StorePicker } from './parts'

type Props = {
  stores: { id: string; name: string }[]
  store: { id: string; name: string; currency: string }
  forms: StepForm[]
  errors: FormErrors
  csrf: string
  /** Steps saved as shown: their preview loads at once (others on "Preview"). */
  saved: string[]
  ownerEmail: string
  testPhone: string
  notice?: string
  error?: string
}

const VARIABLES = '{{firstName}} {{storeName}} {{total}} {{itemCount}} {{restoreUrl}} {{coupon}}'

const StepCard: FC<{ f: StepForm; i: number; p: Props }> = ({ f, i, p }) => {
  const n = (k: string) => `s.${i}.${k}`
  const e = p.errors
  const text = (
    k: Exclude<keyof StepForm, 'remove'>,
    label: string,
    max: number,
    hint?: string,
  ) => (
    <Field name={n(k)} label={label} errors={e} {...(hint ? { hint } : {})}>
      {(id, by) => (
        <input
          id={id}
          name={n(k)}
          value={f[k]}
          maxlength={max}
          aria-describedby={by}
          aria-invalid={e[n(k)] ? 'true' : undefined}
        />
      )}
    </Field>
  )
  const frame = `preview-${i}`
  const src = p.saved.includes(f.id)
    ? `/sequences/${encodeURIComponent(p.store.id)}/preview/${encodeURIComponent(f.id)}`
    : 'about:blank'
  return (
    <fieldset class="card step" data-step={i}>
      <legend>
        Step {i + 1} · {channelName(f.channel)}
      </legend>
      <div class="step-grid">
        <div class="step-fields">
          <div class="row3">
            {text('id', 'Step id', 32, 'lower-case, digits, dashes')}
            <Field name={n('channel')} label="Channel" errors={e}>
              {(id, by) => (
                <div class="joined">
                  <select id={id} name={n('channel')} aria-describedby={by} data-refresh>
                    <option value="email" selected={f.channel === 'email'}>
                      Email
                    </option>
                    <option value="sms" selected={f.channel === 'sms'}>
                      Text
                    </option>
                  </select>
                  <button
                    class="btn secondary"
                    type="submit"
                    name="refresh"
                    value="1"
                    data-refresh-button
                  >
                    Update
                  </button>
                </div>
              )}
            </Field>
          </div>
          <div class="row3">
            <Duration
              name={n('delay')}
              label="Send after abandonment"
              value={f.delay}
              unit={f.delayUnit}
              errors={e}
            />
            <Duration
              name={n('window')}
              label="Latest send (window)"
              value={f.window}
              unit={f.windowUnit}
              errors={e}
            />
          </div>
          {f.channel === 'email' ? (
            <>
              {text('subject', 'Subject', 200)}
              {text('preheader', 'Preheader (inbox preview text)', 200)}
              {text('heading', 'Heading', 200)}
            </>
          ) : null}
          <Field
            name={n('body')}
            label={f.channel === 'email' ? 'Body' : 'Text'}
            errors={e}
            hint={`Variables: ${VARIABLES}${f.channel === 'sms' ? '. "Reply STOP to opt out" is added to the first text.' : ''}`}
          >
            {(id, by) => (
              <textarea
                id={id}
                name={n('body')}
                rows={f.channel === 'email' ? 5 : 3}
                maxlength={f.channel === 'email' ? 5000 : 1000}
                aria-describedby={by}
              >
                {f.body}
              </textarea>
            )}
          </Field>
          {f.channel === 'email' ? text('buttonLabel', 'Button label', 60) : null}
          <div class="row3">
            <Field name={n('incentiveKind')} label="Incentive" errors={e}>
              {(id) => (
                <select id={id} name={n('incentiveKind')}>
                  <option value="">None</option>
                  <option value="percent" selected={f.incentiveKind === 'percent'}>
                    Percent off
                  </option>
                  <option value="fixed" selected={f.incentiveKind === 'fixed'}>
                    Amount off ({p.store.currency})
                  </option>
                </select>
              )}
            </Field>
            {text('incentiveAmount', 'Amount', 12)}
            <Duration
              name={n('incentiveValid')}
              label="Coupon valid for"
              value={f.incentiveValid}
              unit={f.incentiveValidUnit}
              errors={e}
            />
          </div>
          <div class="actions">
            <button
              class="btn secondary"
              type="submit"
              name="preview"
              value={String(i)}
              formaction={`/sequences/${encodeURIComponent(p.store.id)}/preview`}
              formtarget={frame}
              data-preview={i}
            >
              Preview
            </button>
            <button
              class="btn secondary"
              type="submit"
              name="test"
              value={String(i)}
              formaction={`/sequences/${encodeURIComponent(p.store.id)}/test`}
            >
              Send me a test
            </button>
            <label class="inline remove">
              <input type="checkbox" name={n('remove')} checked={f.remove} /> Remove this step
            </label>
          </div>
        </div>
        <div class="step-preview">
          <iframe
            name={frame}
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

/** The sequence editor: every step's timing, template and incentive, with live previews. */
export const SequencesPage: FC<Props> = (p) => (
  <>
    <div class="head">
      <div>
        <h1>Sequence</h1>
        <p class="sub">
          What {p.store.name} sends after a cart is abandoned. Quiet hours, consent and the one-text
          rule apply to every step.
        </p>
      </div>
      <StorePicker action="/sequences" stores={p.stores} current={p.store.id} />
    </div>
    <Flash notice={p.notice} error={p.error ?? p.errors.sequence} />
    <form
      method="post"
      action={`/sequences/${encodeURIComponent(p.store.id)}`}
      class="stack"
      id="sequence"
      novalidate
    >
      <input type="hidden" name="_csrf" value={p.csrf} />
      {/* Enter in a field saves (the first submit button is the form's default). */}
      <button class="skip" type="submit" name="save" value="1" tabindex={-1}>
        Save
      </button>
      {p.forms.length ? (
        p.forms.map((f, i) => <StepCard f={f} i={i} p={p} />)
      ) : (
        <p class="card empty">No steps: abandoned carts get no messages. Add a step below.</p>
      )}
      <div class="card actions sticky">
        <button class="btn" type="submit" name="save" value="1">
          Save sequence
        </button>
        <button class="btn secondary" type="submit" name="add" value="email">
          Add an email step
        </button>
        <button class="btn secondary" type="submit" name="add" value="sms">
          Add a text step
        </button>
        <span class="grow" />
        <label for="testPhone" class="inline">
          Test texts go to
        </label>
        <input
          id="testPhone"
          name="testPhone"
          type="tel"
          value={p.testPhone}
          placeholder="+1 212 555 0123"
          autocomplete="tel"
        />
        <span class="faint">test emails to {p.ownerEmail}</span>
      </div>
    </form>
  </>
)
