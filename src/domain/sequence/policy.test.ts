import { describe, expect, it } from 'vitest'
import { type ContactFacts, type Decision, decideStep, type StepContext } from './policy'
import { FEDERAL_QUIET_HOURS } from './quiet-hours'
import { DEFAULT_SEQUENCE, type Step } from './steps'

const utc = (iso: string) => Date.parse(`${iso}Z`)
const H = 3_600_000
// Abandoned at 10:00 New York time on a Monday in November (UTC-5).
const ABANDONED = utc('2026-11-23T15:00:00')

const sms = (o: Partial<Step> = {}): Step =>
  ({ ...DEFAULT_SEQUENCE[1]!, delaySeconds: 3600, windowSeconds: 24 * 3600, ...o }) as Step
const email = (o: Partial<Step> = {}): Step =>
  ({ ...DEFAULT_SEQUENCE[0]!, delaySeconds: 3600, windowSeconds: 12 * 3600, ...o }) as Step

function facts(o: Partial<ContactFacts> = {}): ContactFacts {
  return {
    email: 'ada@example.com',
    phone: '+12125550123',
    emailSuppressed: false,
    smsSuppressed: false,
    smsConsent: { granted: true, at: ABANDONED - H },
    smsOptInConfirmed: true,
    recentTexts: [],
    timezone: null,
    ...o,
  }
}

function ctx(
  now: number,
  contact: Partial<ContactFacts> = {},
  o: Partial<StepContext> = {},
): StepContext {
  return {
    now,
    abandonedAt: ABANDONED,
    smsSentThisAbandonment: 0,
    quietHours: FEDERAL_QUIET_HOURS,
    contact: facts(contact),
    ...o,
  }
}

describe('decideStep', () => {
  const table: [string, Step, StepContext, Decision][] = [
    ['sends a text in allowed hours', sms(), ctx(ABANDONED + H), { action: 'send' }],
    [
      'sends an email at any hour',
      email({ delaySeconds: 14 * 3600 }),
      ctx(ABANDONED + 14 * H),
      { action: 'send' },
    ],
    [
      'skips an email without an address',
      email(),
      ctx(ABANDONED + H, { email: null }),
      { action: 'skip', reason: 'no_email' },
    ],
    [
      'skips an email to a suppressed address',
      email(),
      ctx(ABANDONED + H, { emailSuppressed: true }),
      { action: 'skip', reason: 'email_suppressed' },
    ],
    [
      'skips a text without a phone',
      sms(),
      ctx(ABANDONED + H, { phone: null }),
      { action: 'skip', reason: 'no_phone' },
    ],
    [
      'skips a text without a consent record',
      sms(),
      ctx(ABANDONED + H, { smsConsent: null }),
      { action: 'skip', reason: 'no_sms_consent' },
    ],
    [
      'skips a text when consent was withdrawn',
      sms(),
      ctx(ABANDONED + H, { smsConsent: { granted: false, at: ABANDONED } }),
      { action: 'skip', reason: 'no_sms_consent' },
    ],
    [
      'skips a text until the shopper confirms with YES',
      sms(),
      ctx(ABANDONED + H, { smsOptInConfirmed: false }),
      { action: 'skip', reason: 'sms_opt_in_pending' },
    ],
    [
      'skips a text to an opted-out phone',
      sms(),
      ctx(ABANDONED + H, { smsSuppressed: true }),
      { action: 'skip', reason: 'sms_suppressed' },
    ],
    [
      'sends one text per abandonment to a US number',
      sms(),
      ctx(ABANDONED + H, {}, { smsSentThisAbandonment: 1 }),
      { action: 'skip', reason: 'sms_already_sent_for_abandonment' },
    ],
    [
      'allows a second text to a non-US number',
      sms(),
      ctx(
        ABANDONED + H,
        { phone: '+447700900123', timezone: 'Europe/London' },
        { smsSentThisAbandonment: 1 },
      ),
      { action: 'send' },
    ],
    [
      "skips a text abroad when nothing tells the recipient's time zone",
      sms(),
      ctx(ABANDONED + H, { phone: '+447911123456', timezone: null }),
      { action: 'skip', reason: 'location_unknown' },
    ],
    [
      'never texts a US number more than 48 h after abandonment',
      sms({ delaySeconds: 50 * 3600 }),
      ctx(ABANDONED + 50 * H),
      { action: 'skip', reason: 'sms_after_48h' },
    ],
    [
      'skips when the step window has passed',
      email(),
      ctx(ABANDONED + 14 * H),
      { action: 'skip', reason: 'window_passed' },
    ],
    [
      'defers a text due at night to 8:00 recipient time',
      sms({ delaySeconds: 12 * 3600 }),
      ctx(ABANDONED + 12 * H),
      { action: 'defer', until: utc('2026-11-24T13:00:00'), reason: 'quiet_hours' },
    ],
    [
      'defers to 20:00 sooner for a Florida number',
      sms({ delaySeconds: 10 * 3600 + 1800 }),
      ctx(ABANDONED + 10.5 * H, { phone: '+13055550123' }),
      { action: 'defer', until: utc('2026-11-24T13:00:00'), reason: 'quiet_hours' },
    ],
    [
      'uses the stricter of area code and browser zone',
      sms({ delaySeconds: 0 }),
      ctx(
        utc('2026-11-23T13:30:00'),
        { timezone: 'America/Los_Angeles' },
        { abandonedAt: utc('2026-11-23T13:30:00') },
      ),
      { action: 'defer', until: utc('2026-11-23T16:00:00'), reason: 'quiet_hours' },
    ],
    [
      'skips when quiet hours would push the text past its window',
      sms({ delaySeconds: 12 * 3600, windowSeconds: 3600 }),
      ctx(ABANDONED + 12 * H),
      { action: 'skip', reason: 'window_passed' },
    ],
    [
      'skips when quiet hours would push a US text past 48 h',
      sms({ delaySeconds: 47 * 3600, windowSeconds: 24 * 3600 }),
      ctx(utc('2026-11-25T02:00:00'), {}, { abandonedAt: utc('2026-11-23T03:00:00') }),
      { action: 'skip', reason: 'sms_after_48h' },
    ],
    [
      'waits for the daily cap of three texts to free up',
      sms(),
      ctx(ABANDONED + H, { recentTexts: [ABANDONED - 20 * H, ABANDONED - 5 * H, ABANDONED - H] }),
      { action: 'defer', until: ABANDONED + 4 * H, reason: 'daily_text_cap' },
    ],
    [
      'counts only the last 24 hours toward the cap',
      sms(),
      ctx(ABANDONED + H, { recentTexts: [ABANDONED - 30 * H, ABANDONED - 5 * H, ABANDONED - H] }),
      { action: 'send' },
    ],
  ]
  it.each(table)('%s', (_name, step, context, decision) => {
    expect(decideStep(step, context)).toEqual(decision)
  })
})
