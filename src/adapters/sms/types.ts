import type { SendResult } from '../types'

export type SmsMessage = {
  to: string
  body: string
  /** Where the provider posts delivery status. */
  statusCallback: string
  /** The store's Messaging Service or sending number. */
  from: { messagingServiceSid: string } | { number: string }
}

/** Sends one text. Twilio has no idempotency key: the outbox never retries an unknown outcome. */
export interface SmsSender {
  readonly provider: 'twilio' | 'outbox'
  readonly idempotent: boolean
  send(message: SmsMessage, opts: { idempotencyKey: string }): Promise<SendResult>
}

/**
 * The status callback URL of one text. Twilio has no idempotency key, so our message id rides
 * in the URL (`?m=`), which Twilio posts back (and signs): a callback finds the message even
 * when we never learnt its SID (a timeout, a 5xx, a crash mid-send).
 */
export function statusCallbackUrl(baseUrl: string, storeId: string, messageId: string): string {
  return `${baseUrl}/webhooks/twilio/${encodeURIComponent(storeId)}/status?m=${encodeURIComponent(messageId)}`
}
