import type { CountryCode } from 'libphonenumber-js/max'
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'

/**
 * Normalises a phone number to E.164 with libphonenumber-js, reading numbers without a
 * country code in `defaultCountry`. Returns null when it is not a valid number.
 *
 * @example normalizePhone('(415) 555-2671', 'US') // '+14155552671'
 */
export function normalizePhone(raw: string, defaultCountry: string): string | null {
  const parsed = parsePhoneNumberFromString(raw.trim(), {
    defaultCountry: defaultCountry as CountryCode,
  })
  return parsed?.isValid() ? parsed.number : null
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/

/**
 * Normalises an email address for storage and matching: trimmed, lower-cased (mailbox
 * providers treat the local part case-insensitively in practice). Null when it is not an address.
 */
export function normalizeEmail(raw: string): string | null {
  const email = raw.trim().toLowerCase()
  if (email.length > 254 || !EMAIL.test(email)) return null
  return email
}
