import type { SendResult } from '../types'

export type EmailMessage = {
  from: string
  to: string
  replyTo?: string
  subject: string
  html: string
  text: string
  /**
   * RFC 8058 one-click unsubscribe (the URL answers a POST). Every message to a shopper has one;
   * a note to the merchant (a handoff) has none.
   */
  unsubscribeUrl?: string
}

/** Sends one email. `idempotent`: the provider drops a repeat of the same key. */
export interface EmailSender {
  readonly provider: 'resend' | 'outbox'
  readonly idempotent: boolean
  send(message: EmailMessage, opts: { idempotencyKey: string }): Promise<SendResult>
}

/** The List-Unsubscribe headers RFC 8058 asks for. */
export function unsubscribeHeaders(url: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${url}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  }
}
