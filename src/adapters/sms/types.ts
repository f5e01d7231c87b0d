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
