import type { FC } from 'hono/jsx'
import { type FieldRow, Fields } from './fields'
import { at, sectionForm } from './form'
import type { SettingsProps } from './props'
import { Section } from './section'

const TIMING_FIELDS: FieldRow[] = [
  ['inactivity', 'Abandoned after this long idle', { duration: true }],
  ['restoreTtl', 'Restore links valid for', { duration: true }],
  ['attributionWindow', 'Order counts as recovered within', { duration: true }],
  ['attribution.emailWindow', 'Credit an email clicked or sent within', { duration: true }],
  ['attribution.smsWindow', 'Credit a text within', { duration: true }],
  [
    'defaultCountry',
    'Country for local phone numbers',
    { max: 2, hint: 'Two letters, such as US.' },
  ],
  [
    'retentionDays',
    'Erase carts after (days unchanged)',
    {
      hint: '30 to 3,650; empty keeps carts until you delete them. Never sooner than the attribution window plus the restore-link lifetime.',
    },
  ],
]

/** When a cart counts as abandoned, how long links last, how long a recovery is credited. */
export const TimingSection: FC<{ p: SettingsProps }> = ({ p }) => (
  <Section
    id="timing"
    title="Timing"
    p={p}
    intro="When a cart counts as abandoned, how long links last, and how long a recovery is credited."
  >
    <div class="grid three">
      <Fields
        rows={TIMING_FIELDS}
        form={sectionForm(p, 'timing')}
        saved={(name) => at(p.store.settings, name)}
      />
    </div>
  </Section>
)
