import type { FC } from 'hono/jsx'
import {
  effectiveHours,
  FEDERAL_QUIET_HOURS,
  STATE_QUIET_HOURS,
  STORE_QUIET_BOUNDS,
} from '../../../domain/sequence/quiet-hours'
import { Field } from '../field'
import { sectionForm } from './form'
import type { SettingsProps } from './props'
import { Section } from './section'

const hours = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)

/** Each bound's label and the hours it may take (the law's window, narrowed only). */
const BOUNDS = [
  [
    'startHour',
    'Not before',
    hours(STORE_QUIET_BOUNDS.startHour.min, STORE_QUIET_BOUNDS.startHour.max),
  ],
  ['endHour', 'Not after', hours(STORE_QUIET_BOUNDS.endHour.min, STORE_QUIET_BOUNDS.endHour.max)],
] as const

const STATE_NAMES: Record<string, string> = { FL: 'Florida', OK: 'Oklahoma', WA: 'Washington' }

/** "A, B and C". */
const listed = (names: string[]) =>
  names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`

/** The states' own ends, from the domain's table: "after 20:00 in Florida, Oklahoma and Washington". */
const STATE_ENDS = (() => {
  const byEnd = new Map<number, string[]>()
  for (const [state, h] of Object.entries(STATE_QUIET_HOURS))
    byEnd.set(h.endHour, [...(byEnd.get(h.endHour) ?? []), STATE_NAMES[state] ?? state])
  return [...byEnd]
    .sort(([a], [b]) => a - b)
    .map(([end, names]) => `after ${end}:00 in ${listed(names)}`)
    .join('; ')
})()

/** The hours reminder texts may go out, as the shopper's clock reads. */
export const QuietSection: FC<{ p: SettingsProps }> = ({ p }) => {
  const q = p.store.settings.quietHours
  const window = effectiveHours(q, null)
  const form = sectionForm(p, 'quiet')
  return (
    <Section id="quiet" title="Quiet hours" p={p}>
      <p>
        Reminder texts go out only between <strong>{window.startHour}:00</strong> and{' '}
        <strong>{window.endHour}:00</strong> where the shopper is (by their area code and their
        browser's time zone, whichever is stricter), and never {STATE_ENDS}. A text due at night
        waits for the morning; if that passes the step's window it is skipped, and the cart's
        timeline says why. Direct answers to a shopper's own text within 15 minutes are not held
        back.
      </p>
      <div class="grid three">
        {BOUNDS.map(([k, label, options]) => (
          <Field name={`quietHours.${k}`} label={label} errors={form.errors}>
            {(fid) => (
              <select id={fid} name={`quietHours.${k}`}>
                {options.map((h) => (
                  <option
                    value={String(h)}
                    selected={String(h) === form.value(`quietHours.${k}`, q[k])}
                  >
                    {h}:00
                  </option>
                ))}
              </select>
            )}
          </Field>
        ))}
      </div>
      <p class="faint">
        The law's window ({FEDERAL_QUIET_HOURS.startHour}:00–{FEDERAL_QUIET_HOURS.endHour}:00)
        always applies; a store may only narrow it.
      </p>
    </Section>
  )
}
