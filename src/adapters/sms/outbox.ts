import { outboxSender } from '../types'
import type { SmsMessage, SmsSender } from './types'

/** Development sink, not for production (config.ts refuses it there). */
export function outboxSms(): SmsSender & { sent: SmsMessage[] } {
  return outboxSender<SmsMessage>()
}
