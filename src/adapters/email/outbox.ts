import { outboxSender } from '../types'
import type { EmailMessage, EmailSender } from './types'

/**
 * Development sink, not for production: keeps the email (the full message also lands in the
 * `messages` table and `GET /api/v1/messages`). config.ts refuses it in production.
 */
export function outboxEmail(): EmailSender & { sent: EmailMessage[] } {
  return outboxSender<EmailMessage>()
}
