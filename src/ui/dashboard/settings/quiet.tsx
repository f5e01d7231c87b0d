import type { FC } from 'hono/jsx'
import { Field } from '../field'
import { sectionForm } from './form'
import type { SettingsProps } from './props'
import { Section } from './section'

const hours = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i)

/** Each bound's label and the hours it may take (the law's 8:00–21:00, narrowed only). */
const BOUNDS = [
  ['startHour', 'Not before', hours(8, 12)],
  ['endHour', 'Not after', hours(17, 21)],
] as const

/** The hours reminder texts may go out, as the shopper's clock reads. */
export const QuietSection: FC<{ p: SettingsProps }> = ({ p }) => {
  const q = p.store.settings.quietHours
  const form = sectionForm(p, 'quiet')
  return (
    <Section id="quiet" title="Quiet hours" p={p}>
      <p>
        Reminder texts go out only between <strong>{q.startHour}:00</strong> and{' '}
        <strong>{Math.min(q.endHour, 21)}:00</strong> where the shopper is (by their area code and
        their browser's time zone, whichever is stricter), and never after 20:00 in Florida,
        Oklahoma and Washington. A text due at night waits for the morning; if that passes the
        step's window it is skipped, and the cart's timeline says why. Direct answers to a shopper's
        own text within 15 minutes are not held back.
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
      <p class="faint">The law's window (8:00–21:00) always applies; a store may only narrow it.</p>
    </Section>
  )
}
