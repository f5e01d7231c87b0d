import { nextAllowedTime, type QuietHours, recipientWindow } from './quiet-hours'
import type { Step } from './steps'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** Carrier rule for US numbers: one text per abandonment, within 48 h of it. */
export const SMS_AFTER_ABANDONMENT_MS = 48 * HOUR
/** At most this many texts to one contact in any 24 hours. */
export const SMS_DAILY_CAP = 3

/** What the contact's records say, at decision time. */
export type ContactFacts = {
  email: string | null
  phone: string | null
  emailSuppressed: boolean
  smsSuppressed: boolean
  /** The latest SMS consent for this phone: granted and when, or null when never asked. */
  smsConsent: { granted: boolean; at: number } | null
  /** Double opt-in: the shopper replied YES (or the store does not ask). */
  smsOptInConfirmed: boolean
  /** Times of texts sent to this contact, any cart (only the last 24 h matter). */
  recentTexts: number[]
  /** The browser's time zone, if the storefront reported it. */
  timezone: string | null
}

export type StepContext = {
  now: number
  abandonedAt: number
  /** Texts this cart already sent since its abandonment. */
  smsSentThisAbandonment: number
  quietHours: QuietHours
  contact: ContactFacts
}

export type SkipReason =
  | 'no_email'
  | 'no_phone'
  | 'email_suppressed'
  | 'sms_suppressed'
  | 'no_sms_consent'
  | 'sms_opt_in_pending'
  | 'sms_already_sent_for_abandonment'
  | 'sms_after_48h'
  | 'window_passed'
  | 'location_unknown'

export type Decision =
  | { action: 'send' }
  | { action: 'defer'; until: number; reason: 'quiet_hours' | 'daily_text_cap' }
  | { action: 'skip'; reason: SkipReason }

/**
 * Decides what a due step does now: send, wait (quiet hours, daily cap) or skip with a reason
 * the journal records. Pure: the contact's facts and the clock come in as data.
 *
 * @example decideStep(step, ctx) // { action: 'defer', until: …, reason: 'quiet_hours' }
 */
export function decideStep(step: Step, ctx: StepContext): Decision {
  const due = ctx.abandonedAt + step.delaySeconds * 1000
  const windowEnd = due + step.windowSeconds * 1000
  if (ctx.now > windowEnd) return { action: 'skip', reason: 'window_passed' }
  const c = ctx.contact
  if (step.channel === 'email') {
    if (!c.email) return { action: 'skip', reason: 'no_email' }
    if (c.emailSuppressed) return { action: 'skip', reason: 'email_suppressed' }
    return { action: 'send' }
  }

  if (!c.phone) return { action: 'skip', reason: 'no_phone' }
  if (c.smsSuppressed) return { action: 'skip', reason: 'sms_suppressed' }
  if (!c.smsConsent?.granted) return { action: 'skip', reason: 'no_sms_consent' }
  if (!c.smsOptInConfirmed) return { action: 'skip', reason: 'sms_opt_in_pending' }
  const us = c.phone.startsWith('+1')
  if (us && ctx.smsSentThisAbandonment > 0) {
    return { action: 'skip', reason: 'sms_already_sent_for_abandonment' }
  }
  const latest = us ? Math.min(windowEnd, ctx.abandonedAt + SMS_AFTER_ABANDONMENT_MS) : windowEnd
  if (ctx.now > latest) return { action: 'skip', reason: us ? 'sms_after_48h' : 'window_passed' }

  // Daily cap: wait until the oldest of the last SMS_DAILY_CAP texts is a day old.
  const recent = c.recentTexts.filter((t) => t > ctx.now - DAY).sort((a, b) => a - b)
  let earliest = ctx.now
  let reason: 'quiet_hours' | 'daily_text_cap' = 'quiet_hours'
  if (recent.length >= SMS_DAILY_CAP) {
    earliest = recent[recent.length - SMS_DAILY_CAP]! + DAY
    reason = 'daily_text_cap'
  }
  const { location, hours } = recipientWindow(ctx.quietHours, c.phone, c.timezone ?? undefined)
  // Outside North America the number alone does not say where the phone is; without the
  // browser's time zone there is no recipient-local time to respect.
  if (location.zones.length === 0) return { action: 'skip', reason: 'location_unknown' }
  const at = nextAllowedTime(earliest, location, hours)
  if (at === null || at > latest) {
    return { action: 'skip', reason: us && latest < windowEnd ? 'sms_after_48h' : 'window_passed' }
  }
  if (at > ctx.now)
    return { action: 'defer', until: at, reason: at > earliest ? 'quiet_hours' : reason }
  return { action: 'send' }
}
