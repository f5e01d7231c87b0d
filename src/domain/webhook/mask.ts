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

/** The event as an endpoint sees it: `data.contact` masked unless it opted in. */
export function forEndpoint(event: WebhookEvent, includeContact: boolean): WebhookEvent {
  const contact = event.data.contact
  if (includeContact || typeof contact !== 'object' || contact === null) return event
  return { ...event, data: { ...event.data, contact: maskContact(contact as Contact) } }
}
