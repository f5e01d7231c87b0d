/**
 * Masking of contact details in webhook events: an endpoint sees them only when it opted in
 * (`includeContact`). Enough is left to tell two people apart in a log, not to reach them.
 */
import type { WebhookEvent } from './events'

const DOT = '•'

/** `jane@example.com` → `j•••@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at <= 0) return DOT.repeat(3)
  return `${email.slice(0, 1)}${DOT.repeat(3)}${email.slice(at)}`
}

/** `+15551234567` → `•••••••4567`: the last four digits only. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  return digits.length <= 4 ? DOT.repeat(4) : `${DOT.repeat(7)}${digits.slice(-4)}`
}

/** `Jane` → `J.` */
export function maskName(name: string): string {
  const first = [...name.trim()][0]
  return first ? `${first}.` : ''
}

type Contact = { email?: string; phone?: string; firstName?: string; lastName?: string }

/** The contact with every field masked. */
export function maskContact(c: Contact): Contact {
  return {
    ...(c.email !== undefined ? { email: maskEmail(c.email) } : {}),
    ...(c.phone !== undefined ? { phone: maskPhone(c.phone) } : {}),
    ...(c.firstName !== undefined ? { firstName: maskName(c.firstName) } : {}),
    ...(c.lastName !== undefined ? { lastName: maskName(c.lastName) } : {}),
  }
}

const EMAIL_IN_TEXT = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[A-Za-z]{2,}/g
/** A run of 7 or more digits, with the spaces, dots, dashes and brackets phones are written with. */
const PHONE_IN_TEXT = /\+?\d[\d\s().-]{5,}\d/g

/**
 * Free text (a shopper's reply) with the email addresses and phone numbers in it masked: "mail
 * me at jane@x.com" → "mail me at j•••@x.com".
 */
export function maskText(text: string): string {
  return text
    .replace(EMAIL_IN_TEXT, (m) => maskEmail(m))
    .replace(PHONE_IN_TEXT, (m) => (m.replace(/\D/g, '').length >= 7 ? maskPhone(m) : m))
}

/**
 * The event as an endpoint sees it: unless it opted in, `data.contact` masked, and the
 * addresses and numbers inside a shopper's text (`data.body`).
 */
export function forEndpoint(event: WebhookEvent, includeContact: boolean): WebhookEvent {
  if (includeContact) return event
  const { contact, body } = event.data
  const data = { ...event.data }
  if (typeof contact === 'object' && contact !== null)
    data.contact = maskContact(contact as Contact)
  if (typeof body === 'string') data.body = maskText(body)
  return { ...event, data }
}
