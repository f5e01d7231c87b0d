import type { FC } from 'hono/jsx'
import { Duration, Field, Text } from '../field'
import type { FormState, Saved } from './form'

/** How a field is drawn: a text input unless it is a `duration` or has textarea `rows`. */
export type FieldExtras = {
  type?: string
  hint?: string
  placeholder?: string
  max?: number
  /** A number and a unit (`<name>` and `<name>Unit`), shown from the form's units. */
  duration?: true
  /** A textarea of this many rows. */
  rows?: number
}

/** A field as data: form name (the settings path), label, how it is drawn. */
export type FieldRow = [name: string, label: string, extras: FieldExtras]

/** Draws fields described as data; `saved` gives each one's saved value by form name. */
export const Fields: FC<{ rows: FieldRow[]; form: FormState; saved: (name: string) => Saved }> = ({
  rows,
  form,
  saved,
}) => (
  <>
    {rows.map(([name, label, { duration, rows, ...extra }]) =>
      duration ? (
        <Duration
          name={name}
          label={label}
          {...form.duration(name)}
          errors={form.errors}
          hint={extra.hint}
        />
      ) : rows ? (
        <Field
          name={name}
          label={label}
          errors={form.errors}
          {...(extra.hint ? { hint: extra.hint } : {})}
        >
          {(fid, by) => (
            <textarea id={fid} name={name} rows={rows} maxlength={extra.max} aria-describedby={by}>
              {form.value(name, saved(name))}
            </textarea>
          )}
        </Field>
      ) : (
        <Text
          name={name}
          label={label}
          value={form.value(name, saved(name))}
          errors={form.errors}
          {...extra}
        />
      ),
    )}
  </>
)

/** A checkbox of a section with its label beside it; `saved` is its value when not redrawn. */
export const Checkbox: FC<{ form: FormState; name: string; saved: boolean; label: string }> = ({
  form,
  name,
  saved,
  label,
}) => (
  <label class="inline">
    <input type="checkbox" name={name} checked={form.checked(name, saved)} /> {label}
  </label>
)
