import type { SmsMessage, SmsSender } from './types'

/** Development sink, not for production (config.ts refuses it there). */
export function outboxSms(): SmsSender & { sent: SmsMessage[] } {
  const sent: SmsMessage[] = []
  return {
    provider: 'outbox',
    idempotent: true,
    sent,
    async send(message, { idempotencyKey }) {
      sent.push(message)
      return { ok: true, providerId: `outbox:${idempotencyKey}` }
    },
  }
}
