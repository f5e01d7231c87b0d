import type { FC, PropsWithChildren } from 'hono/jsx'
import { UNITS, type Unit } from '../../lib/duration'

/**
 * A labelled field with its hint and error under it, tied to the control for screen readers:
 * `children` gets the control's id and its `aria-describedby`. `name` is the form field's name
 * and its key in `errors`.
 */
export const Field: FC<{
  name: string
  label: string
  errors: Record<string, string>
  hint?: string
  children: (id: string, describedBy?: string) => unknown
}> = ({ name, label, errors, hint, children }) => {
  const id = name.replaceAll('.', '-')
  const error = errors[name]
  const describedBy = [error ? `${id}-error` : '', hint ? `${id}-hint` : '']
    .filter(Boolean)
    .join(' ')
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children(id, describedBy || undefined) as never}
      {hint ? (
        <div class="faint small" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div class="field-error" id={`${id}-error`}>
          {error}
        </div>
      ) : null}
    </div>
  )
}

/** A text input in a Field: the usual case, in one line. */
export const Text: FC<{
  name: string
  label: string
  value: string | number | undefined
  errors: Record<string, string>
  hint?: string
  type?: string
  placeholder?: string
  max?: number
}> = (p) => (
  <Field name={p.name} label={p.label} errors={p.errors} {...(p.hint ? { hint: p.hint } : {})}>
    {(id, by) => (
      <input
        id={id}
        name={p.name}
        type={p.type ?? 'text'}
        value={p.value === undefined ? '' : String(p.value)}
        placeholder={p.placeholder}
        maxlength={p.max}
        aria-describedby={by}
        aria-invalid={p.errors[p.name] ? 'true' : undefined}
      />
    )}
  </Field>
)

/** A duration: a number and its unit (`<name>` and `<name>Unit`), in a Field. */
export const Duration: FC<{
  name: string
  label: string
  value: string
  unit: Unit
  errors: Record<string, string>
  hint?: string
}> = (p) => (
  <Field name={p.name} label={p.label} errors={p.errors} {...(p.hint ? { hint: p.hint } : {})}>
    {(id, by) => (
      <div class="joined">
        <input
          id={id}
          name={p.name}
          value={p.value}
          inputmode="decimal"
          aria-describedby={by}
          aria-invalid={p.errors[p.name] ? 'true' : undefined}
        />
        <select name={`${p.name}Unit`} aria-label={`${p.label}: unit`}>
          {(Object.keys(UNITS) as Unit[]).map((u) => (
            <option value={u} selected={u === p.unit}>
              {u}
            </option>
          ))}
        </select>
      </div>
    )}
  </Field>
)

/** A form's submit button, alone in its actions row. */
export const Submit: FC<PropsWithChildren> = ({ children }) => (
  <div class="actions">
    <button class="btn" type="submit">
      {children}
    </button>
  </div>
)
