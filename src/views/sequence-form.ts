// The sequence editor's form as the page renders it (built by routes/dashboard/sequence-form.ts).
import type { Unit } from '../lib/duration'

/** One step as the form shows it: every value a string, as typed. */
export type StepForm = {
  id: string
  channel: 'email' | 'sms'
  delay: string
  delayUnit: Unit
  window: string
  windowUnit: Unit
  subject: string
  preheader: string
  heading: string
  body: string
  buttonLabel: string
  incentiveKind: '' | 'percent' | 'fixed'
  incentiveAmount: string
  incentiveValid: string
  incentiveValidUnit: Unit
  /** Ticked "Remove this step" (kept while a preview or a test send re-renders the form). */
  remove: boolean
}

/** Field errors keyed `s.<index>.<field>`, plus `sequence` for the whole list. */
export type FormErrors = Record<string, string>
