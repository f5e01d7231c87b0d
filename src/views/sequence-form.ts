// The sequence editor's form as the page renders it (built by routes/dashboard/sequence-form.ts).
import type { Unit } from '../lib/duration'

/** What a step and each of its variants say, and their coupon: every value as typed. */
export type ContentForm = {
  channel: 'email' | 'sms'
  delay: string
  delayUnit: Unit
  subject: string
  preheader: string
  heading: string
  body: string
  buttonLabel: string
  incentiveKind: '' | 'percent' | 'fixed'
  incentiveAmount: string
  incentiveValid: string
  incentiveValidUnit: Unit
}

/** Another version of a step (issue 15); a blank delay is the step's own. */
export type VariantForm = ContentForm & {
  id: string
  /** Ticked "Remove this variant". */
  remove: boolean
}

/** One step as the form shows it: every value a string, as typed. */
export type StepForm = ContentForm & {
  id: string
  window: string
  windowUnit: Unit
  variants: VariantForm[]
  /** Ticked "Remove this step" (kept while a preview or a test send re-renders the form). */
  remove: boolean
}

/** A saved step's running experiment, as the editor shows it. */
export type StepExperimentNote = { id: string; startedAt: string }

/** Field errors keyed `s.<index>.<field>`, plus `sequence` for the whole list. */
export type FormErrors = Record<string, string>
