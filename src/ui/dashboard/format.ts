import type { CartStatus } from '../../domain/cart/types'
import { formatMoney } from '../../domain/message/format'

/** A time for the dashboard, in UTC to the minute ("2026-11-22 14:05"); "—" when absent. */
export const when = (t: string | number | null | undefined) =>
  t === null || t === undefined ? '—' : new Date(t).toISOString().slice(0, 16).replace('T', ' ')

/**
 * How long after its inactivity deadline the cart noticed it was abandoned, in plain words
 * ("noticed 3.2 s after its deadline"), or null within a second (an alarm's usual lag).
 */
export function abandonLateness(abandonedAt?: string, abandonDueAt?: string): string | null {
  if (!abandonedAt || !abandonDueAt) return null
  const ms = Date.parse(abandonedAt) - Date.parse(abandonDueAt)
  if (!(ms > 1000)) return null
  const late =
    ms < 60_000
      ? `${(ms / 1000).toFixed(1)} s`
      : ms < 3_600_000
        ? `${Math.round(ms / 60_000)} min`
        : `${(ms / 3_600_000).toFixed(1)} h`
  return `noticed ${late} after its deadline`
}

/** Money per currency, "$12.00 · €4.50"; zero in `fallback` when there is none. */
export const moneyOf = (byCurrency: Record<string, number>, fallback = 'USD') => {
  const parts = Object.entries(byCurrency).map(([cur, v]) => formatMoney(v, cur))
  return parts.length ? parts.join(' · ') : formatMoney(0, fallback)
}

/** "ada@example.com" → "a••@example.com": enough to recognise, not to copy from a screen. */
export function maskEmail(email: string) {
  const at = email.lastIndexOf('@')
  if (at < 1) return '•••'
  return `${email[0]}${'•'.repeat(Math.min(6, Math.max(2, at - 1)))}${email.slice(at)}`
}

/** "+12125550123" → "+1 ••• ••• 0123": the country code and the last four digits. */
export function maskPhone(phone: string) {
  const last = phone.slice(-4)
  const cc = /^\+1/.test(phone) ? '+1' : phone.slice(0, Math.max(1, phone.length - 10))
  return `${cc} ••• ••• ${last}`
}

/** The badge class of each status: amber at risk, green won, grey set aside, red lost. */
export const STATUS_TONE: Record<CartStatus, string> = {
  active: 'badge',
  abandoned: 'badge warn',
  restored: 'badge info',
  recovered: 'badge ok',
  converted: 'badge ok',
  lost: 'badge bad',
  archived: 'badge muted',
  ignored: 'badge muted',
}

/** Channel names for people. */
export const channelName = (ch: string) => (ch === 'sms' ? 'Text' : ch === 'email' ? 'Email' : ch)
