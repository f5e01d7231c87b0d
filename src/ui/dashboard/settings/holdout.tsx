import type { FC } from 'hono/jsx'
import { MAX_HOLDOUT_PERCENT } from '../../../domain/store/holdout'
import { Field } from '../field'
import { when } from '../format'
import { sectionForm } from './form'
import type { SettingsProps } from './props'
import { Section } from './section'

/** The share of abandoned carts held out of every message, to measure what messages cause. */
export const HoldoutSection: FC<{ p: SettingsProps }> = ({ p }) => {
  const h = p.store.settings.holdout
  const form = sectionForm(p, 'holdout')
  return (
    <Section id="holdout" title="Holdout" p={p}>
      <p>
        A holdout measures what your messages cause, not just what followed them: a share of
        abandoned carts, picked at random, gets no message at all, and the overview compares how
        often they come back with the rest. <strong>10 % is a good start</strong>; more measures
        sooner, and sends fewer reminders meanwhile. The same shopper stays on the same side.
      </p>
      <Field name="holdout.percent" label="Held out (%)" errors={form.errors}>
        {(fid) => (
          <input
            id={fid}
            name="holdout.percent"
            type="number"
            min="0"
            max={String(MAX_HOLDOUT_PERCENT)}
            step="1"
            value={form.value('holdout.percent', h.percent)}
          />
        )}
      </Field>
      <p class="faint">
        {h.period
          ? `Running since ${when(h.startedAt)} UTC (period ${h.period}). Changing the share starts a new period; 0 stops it, and the overview no longer shows this period's figures (the API still does, by its period).`
          : `Off. 0 to ${MAX_HOLDOUT_PERCENT} %; setting it starts a period, and figures never mix periods.`}
      </p>
    </Section>
  )
}
