import { z } from 'zod'
import type { Store } from '../../db/stores'
import { MAX_HOLDOUT_PERCENT } from '../../domain/store/holdout'
import { type Settings, SettingsSchema } from '../../domain/store/settings'
import { describeDuration, readDuration, splitDuration, type Unit } from '../../lib/duration'
import { decimalToMinor } from '../../lib/money'
import { currencyCode, httpUrl } from '../../lib/schemas'

// The settings page's forms, one per section. Field names are the settings' own paths
// (`sender.fromEmail`), so a schema problem lands on its field; the few fields shown in other
// units than stored (minutes, days) are mapped both ways below.

export const SECTIONS = ['store', 'timing', 'quiet', 'holdout', 'sender', 'assistant'] as const
export type Section = (typeof SECTIONS)[number]

type Body = Record<string, string | File | (string | File)[]>
const text = (body: Body, k: string) => {
  const v = body[k]
  return typeof v === 'string' ? v.trim() : ''
}
/** An optional text: blank means "not set". */
const opt = (body: Body, k: string) => text(body, k) || undefined
const num = (body: Body, k: string) => {
  const v = text(body, k)
  return /^\d+(\.\d+)?$/.test(v) ? Number(v) : Number.NaN
}

/** Duration fields (a number and a unit each): form name → settings path, in seconds. */
const DURATIONS: Record<string, string> = {
  inactivity: 'inactivitySeconds',
  restoreTtl: 'restoreTtlSeconds',
  attributionWindow: 'attributionWindowSeconds',
  'attribution.emailWindow': 'attribution.emailWindowSeconds',
  'attribution.smsWindow': 'attribution.smsWindowSeconds',
  'ai.incentiveValid': 'ai.incentive.validForSeconds',
}
const FIELD_OF_PATH = Object.fromEntries(Object.entries(DURATIONS).map(([f, p]) => [p, f]))

/** A duration field's value and unit for the stored seconds (exact: saving it back is a no-op). */
export function durationOf(settings: Settings, field: string): [string, Unit] | null {
  let v: unknown = settings
  for (const k of (DURATIONS[field] ?? '').split('.'))
    v = (v as Record<string, unknown> | null)?.[k]
  return typeof v === 'number' ? splitDuration(v) : null
}

/** Every duration field's form name. */
export const DURATION_FIELDS = Object.keys(DURATIONS)

const origin = z
  .string()
  .refine(
    (v) => URL.canParse(v) && new URL(v).origin === v,
    'Give origins such as https://shop.example, one per line.',
  )

const StoreSection = z.object({
  name: z.string().trim().min(1, 'A store needs a name.').max(200),
  url: httpUrl,
  allowedOrigins: z.array(origin).max(50),
  restoreUrlTemplate: httpUrl.nullable(),
})

const NewStore = StoreSection.extend({ currency: currencyCode }).omit({ restoreUrlTemplate: true })

/** The "add a store" form: a new store's fields, or errors by field. */
export function readNewStore(body: Body) {
  const url = text(body, 'url')
  const typed = text(body, 'allowedOrigins')
  // The store's own origin when none is given: where the script will run, usually.
  const origins = (typed || (URL.canParse(url) ? new URL(url).origin : ''))
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((o) => o.replace(/\/$/, ''))
  const parsed = NewStore.safeParse({
    name: text(body, 'name'),
    url,
    currency: text(body, 'currency').toUpperCase(),
    allowedOrigins: [...new Set(origins)],
  })
  if (parsed.success) return { store: parsed.data, errors: {} }
  const errors: Record<string, string> = {}
  for (const issue of parsed.error.issues) {
    errors[String(issue.path[0])] ??= sentence(issue.message)
  }
  return { store: null, errors }
}

export type Draft = {
  fields?: Partial<Pick<Store, 'name' | 'url' | 'allowedOrigins' | 'restoreUrlTemplate'>>
  settings?: Settings
  errors: Record<string, string>
}

/** Reads one section's form into store fields and whole new settings, validated. */
export function readSection(section: Section, body: Body, store: Store): Draft {
  const errors: Record<string, string> = {}
  // Blank FAQ rows are skipped: the form row of each entry kept, to put its error on it.
  const faqRow: number[] = []
  if (section === 'store') {
    const origins = text(body, 'allowedOrigins')
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((o) => o.replace(/\/$/, ''))
    const parsed = StoreSection.safeParse({
      name: text(body, 'name'),
      url: text(body, 'url'),
      allowedOrigins: [...new Set(origins)],
      restoreUrlTemplate: opt(body, 'restoreUrlTemplate') ?? null,
    })
    if (parsed.success) return { fields: parsed.data, errors }
    for (const issue of parsed.error.issues) {
      errors[String(issue.path[0])] ??= sentence(issue.message)
    }
    return { errors }
  }
  const s = structuredClone(store.settings) as Record<string, unknown> & Settings
  const seconds = (field: string) => {
    const v = readDuration(text(body, field), text(body, `${field}Unit`))
    if (Number.isNaN(v)) errors[field] = 'Enter a number.'
    return v
  }
  if (section === 'timing') {
    s.inactivitySeconds = seconds('inactivity')
    s.restoreTtlSeconds = seconds('restoreTtl')
    s.attributionWindowSeconds = seconds('attributionWindow')
    s.attribution = {
      emailWindowSeconds: seconds('attribution.emailWindow'),
      smsWindowSeconds: seconds('attribution.smsWindow'),
    }
    s.defaultCountry = text(body, 'defaultCountry').toUpperCase()
    const keep = text(body, 'retentionDays')
    s.retentionDays = keep === '' ? null : num(body, 'retentionDays')
    if (Number.isNaN(s.retentionDays))
      errors.retentionDays = 'Enter a number of days, or leave it empty.'
  } else if (section === 'quiet') {
    s.quietHours = {
      startHour: num(body, 'quietHours.startHour'),
      endHour: num(body, 'quietHours.endHour'),
    }
  } else if (section === 'holdout') {
    // Only the share: the period is the server's (`periodFor` when saved).
    // A blank field is refused, not read as 0: stopping ends the period for good.
    const percent = num(body, 'holdout.percent')
    if (!Number.isInteger(percent) || percent > MAX_HOLDOUT_PERCENT) {
      errors['holdout.percent'] = 'Enter 0 to stop the holdout, or a whole percent from 1 to 50.'
    }
    s.holdout = { ...s.holdout, percent }
  } else if (section === 'sender') {
    const sender: Record<string, string | undefined> = {}
    for (const k of [
      'fromName',
      'fromEmail',
      'replyTo',
      'postalAddress',
      'logoUrl',
      'accentColor',
      'supportEmail',
      'supportPhone',
    ]) {
      const v = opt(body, `sender.${k}`)
      if (v !== undefined) sender[k] = v
    }
    s.sender = sender as Settings['sender']
    const sms: Record<string, unknown> = { doubleOptIn: text(body, 'sms.doubleOptIn') === 'on' }
    for (const k of ['messagingServiceSid', 'fromNumber']) {
      const v = opt(body, `sms.${k}`)
      if (v !== undefined) sms[k] = v
    }
    s.sms = sms as Settings['sms']
  } else if (section === 'assistant') {
    const kind = text(body, 'ai.incentiveKind')
    let incentive: Record<string, unknown> | null = null
    if (kind === 'percent' || kind === 'fixed') {
      const raw = text(body, 'ai.incentive.amount')
      const amount =
        kind === 'percent' ? num(body, 'ai.incentive.amount') : decimalToMinor(raw, store.currency)
      if (amount === null || Number.isNaN(amount))
        errors['ai.incentive.amount'] = 'Enter an amount.'
      incentive = { kind, amount, validForSeconds: seconds('ai.incentiveValid') }
    }
    s.ai = {
      enabled: text(body, 'ai.enabled') === 'on',
      model: text(body, 'ai.model'),
      incentive,
      ...(opt(body, 'ai.handoffEmail') ? { handoffEmail: opt(body, 'ai.handoffEmail') } : {}),
    } as Settings['ai']
    const faq: { q: string; a: string }[] = []
    for (let i = 0; i < 40; i++) {
      const q = text(body, `knowledgeBase.faq.${i}.q`)
      const a = text(body, `knowledgeBase.faq.${i}.a`)
      if (!(`knowledgeBase.faq.${i}.q` in body)) break
      if (q || a) {
        faq.push({ q, a })
        faqRow.push(i)
      }
    }
    const kb: Record<string, unknown> = { faq }
    for (const k of ['shipping', 'returns', 'payment', 'tone']) {
      const v = opt(body, `knowledgeBase.${k}`)
      if (v !== undefined) kb[k] = v
    }
    s.knowledgeBase = kb as Settings['knowledgeBase']
  }
  const parsed = SettingsSchema.safeParse(s)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [top, list, k, ...rest] = issue.path
      const path =
        top === 'knowledgeBase' && list === 'faq' && typeof k === 'number'
          ? ['knowledgeBase', 'faq', faqRow[k] ?? k, ...rest].join('.')
          : issue.path.join('.')
      const field = FIELD_OF_PATH[path]
      errors[field ?? path] ??= field ? inUnitsMessage(issue.message) : sentence(issue.message)
    }
  }
  return Object.keys(errors).length > 0 || !parsed.success
    ? { errors }
    : { settings: parsed.data, errors }
}

/** A bound in seconds, said as a duration ("At least 1 minute.", "At most 90 days."). */
function inUnitsMessage(message: string) {
  const m = /([<>])=(\d+)/.exec(message)
  if (!m) return sentence(message)
  return `${m[1] === '>' ? 'At least' : 'At most'} ${describeDuration(Number(m[2]))}.`
}

/** Zod's messages, readable: bounds of numbers said plainly, a capital and a full stop. */
function sentence(message: string) {
  const m = message
    .replace(/^Too small: expected number to be >=(\S+)$/, 'At least $1.')
    .replace(/^Too big: expected number to be <=(\S+)$/, 'At most $1.')
    .replace(/^Too small: expected string to have >=1 characters?$/, 'This cannot be empty.')
    .replace(/^Invalid email address$/, 'Enter an email address such as shop@example.com.')
  const s = m.charAt(0).toUpperCase() + m.slice(1)
  return /[.!?]$/.test(s) ? s : `${s}.`
}
