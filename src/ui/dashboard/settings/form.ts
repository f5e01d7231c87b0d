import type { Unit } from '../../../lib/duration'
import type { SettingsProps } from './props'

/** A saved value as the settings hold it, before it is shown in a field. */
export type Saved = string | number | null | undefined

/** What one form's fields show: its errors, and what was typed or else what is saved. */
export type FormState = {
  errors: Record<string, string>
  /** What was typed (after a failed save of this form), else the saved value ('' when none). */
  value: (name: string, saved: Saved) => string | undefined
  /** A duration's number and unit (`<name>` and `<name>Unit`); the unit defaults to days. */
  duration: (name: string) => { value: string; unit: Unit }
  /** A checkbox: after a failed save only what was sent counts (an unticked box sends nothing). */
  checked: (name: string, saved: boolean) => boolean
}

/**
 * The state of one form. `draft` is what a failed save sent back (null: show what is saved);
 * `units` are the saved durations split into a number and a unit.
 */
export function formState(
  draft: { values: Record<string, string>; errors: Record<string, string> } | null,
  units: Record<string, string>,
): FormState {
  const value = (name: string, saved: Saved) =>
    draft && name in draft.values
      ? draft.values[name]
      : saved === null || saved === undefined
        ? ''
        : String(saved)
  return {
    errors: draft?.errors ?? {},
    value,
    duration: (name) => {
      const u = value(`${name}Unit`, units[`${name}Unit`])
      return {
        value: value(name, units[name]) ?? '',
        unit: u === 'minutes' || u === 'hours' || u === 'days' ? u : 'days',
      }
    },
    checked: (name, saved) => (draft ? draft.values[name] === 'on' : saved),
  }
}

/** The state of one settings section: the draft only if that section's save failed. */
export const sectionForm = (p: SettingsProps, section: string): FormState =>
  formState(p.section === section ? { values: p.values, errors: p.errors } : null, p.units)

/** The value at a dotted path (`sender.fromName`, `knowledgeBase.faq.0.q`), if it is one. */
export function at(source: unknown, path: string): Saved {
  let here = source
  for (const key of path.split('.')) {
    if (typeof here !== 'object' || here === null) return undefined
    here = (here as Record<string, unknown>)[key]
  }
  return typeof here === 'string' || typeof here === 'number' ? here : undefined
}
