import { NANP_AREA_CODES } from './nanp.generated'

/** Hours during which marketing texts may go out, recipient-local: [startHour, endHour). */
export type QuietHours = { startHour: number; endHour: number }

/** Federal default (TCPA, 47 CFR 64.1200(c)(1)): no calls or texts before 8:00 or after 21:00. */
export const FEDERAL_QUIET_HOURS: QuietHours = { startHour: 8, endHour: 21 }

/**
 * States whose own law ends the window earlier, as data: Florida Telephone Solicitation Act
 * (Fla. Stat. 501.059), Oklahoma Telephone Solicitation Act (2022), Washington (RCW 80.36.390).
 * Each allows 8:00–20:00.
 */
export const STATE_QUIET_HOURS: Record<string, QuietHours> = {
  FL: { startHour: 8, endHour: 20 },
  OK: { startHour: 8, endHour: 20 },
  WA: { startHour: 8, endHour: 20 },
}

/**
 * The hours a store may pick for each bound of its own window: from the law's start to noon, and
 * from 17:00 to the law's end. A store only narrows the law's window, never widens it.
 */
export const STORE_QUIET_BOUNDS = {
  startHour: { min: FEDERAL_QUIET_HOURS.startHour, max: 12 },
  endHour: { min: 17, max: FEDERAL_QUIET_HOURS.endHour },
} as const

/** Where a text lands: every time zone it may be read in, and the US state if known. */
export type RecipientLocation = { zones: string[]; state: string | null }

/**
 * Locates a recipient from the phone's area code (NANP table generated from libphonenumber's
 * data, see nanp.generated.ts) and the browser's time zone. Both count: quiet hours must hold in
 * every zone, which is the stricter of the two.
 */
export function locateRecipient(phoneE164: string, browserZone?: string): RecipientLocation {
  const zones = new Set<string>()
  let state: string | null = null
  if (phoneE164.startsWith('+1') && phoneE164.length === 12) {
    const entry = NANP_AREA_CODES[phoneE164.slice(2, 5)]
    if (entry) {
      for (const z of entry.z) zones.add(z)
      state = entry.s
    }
  }
  if (browserZone) zones.add(browserZone)
  return { zones: [...zones].sort(), state }
}

const formatters = new Map<string, Intl.DateTimeFormat>()
function localMinutes(at: number, zone: string): number {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    formatters.set(zone, f)
  }
  const parts = f.formatToParts(new Date(at))
  const hour = Number(parts.find((p) => p.type === 'hour')?.value)
  const minute = Number(parts.find((p) => p.type === 'minute')?.value)
  return hour * 60 + minute
}

/**
 * The window that applies: the store's, narrowed by the recipient state's law (`null`: the
 * federal window only, which is what the settings page states).
 */
export function effectiveHours(store: QuietHours, state: string | null): QuietHours {
  const law = (state && STATE_QUIET_HOURS[state]) || FEDERAL_QUIET_HOURS
  return {
    startHour: Math.max(store.startHour, law.startHour, FEDERAL_QUIET_HOURS.startHour),
    endHour: Math.min(store.endHour, law.endHour, FEDERAL_QUIET_HOURS.endHour),
  }
}

/**
 * Where a text to this phone lands and the window that holds there: the store's hours narrowed
 * by the recipient state's law. The one place objects and policies get quiet hours from.
 * @example const { location, hours } = recipientWindow(settings.quietHours, '+13055550100')
 */
export function recipientWindow(
  store: QuietHours,
  phoneE164: string,
  browserZone?: string,
): { location: RecipientLocation; hours: QuietHours } {
  const location = locateRecipient(phoneE164, browserZone)
  return { location, hours: effectiveHours(store, location.state) }
}

/** True when `at` is inside the allowed hours in every one of the recipient's zones. */
export function isAllowedAt(at: number, location: RecipientLocation, hours: QuietHours): boolean {
  // Unknown location: fall back to the continental extremes, Eastern and Hawaii, so a text
  // is never early in the east nor late in the west.
  const zones =
    location.zones.length > 0 ? location.zones : ['America/New_York', 'Pacific/Honolulu']
  return zones.every((zone) => {
    const minutes = localMinutes(at, zone)
    return minutes >= hours.startHour * 60 && minutes < hours.endHour * 60
  })
}

const QUARTER = 15 * 60_000

/**
 * The first moment at or after `from` when a text may go out, or null when none comes within
 * `horizonMs`. Steps through quarter hours: every zone's offset is a multiple of 15 minutes, so
 * window edges (whole local hours) fall on them.
 */
export function nextAllowedTime(
  from: number,
  location: RecipientLocation,
  hours: QuietHours,
  horizonMs = 3 * 86_400_000,
): number | null {
  if (isAllowedAt(from, location, hours)) return from
  for (let t = Math.ceil(from / QUARTER) * QUARTER; t <= from + horizonMs; t += QUARTER) {
    if (isAllowedAt(t, location, hours)) return t
  }
  return null
}

/**
 * When a text to this phone may next go out, or null when it may go now: the check right before
 * the provider call. Beyond the search horizon it comes back in an hour to look again.
 * @example quietUntil(policy.quietHours, '+12125550123', undefined, Date.now())
 */
export function quietUntil(
  store: QuietHours,
  phoneE164: string,
  browserZone: string | undefined,
  now: number,
): number | null {
  const { location, hours } = recipientWindow(store, phoneE164, browserZone)
  if (isAllowedAt(now, location, hours)) return null
  return nextAllowedTime(now, location, hours) ?? now + 3_600_000
}
