import type { FC } from 'hono/jsx'
import type { FormErrors, StepExperimentNote, StepForm } from '../../views/sequence-form'
import { Flash, StorePicker } from './parts'
import { StepCard } from './sequence-step'

type Props = {
  stores: { id: string; name: string }[]
  store: { id: string; name: string; currency: string }
  forms: StepForm[]
  errors: FormErrors
  csrf: string
  /** Steps saved as shown: their preview loads at once (others on "Preview"). */
  saved: string[]
  /** Each saved step's running experiment, by step id. */
  experiments: Record<string, StepExperimentNote>
  ownerEmail: string
  testPhone: string
  notice?: string
  error?: string
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
        p.forms.map((f, i) => (
          <StepCard
            f={f}
            i={i}
            errors={p.errors}
            store={p.store}
            saved={p.saved.includes(f.id)}
            experiment={p.experiments[f.id] ?? null}
          />
        ))
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
