import type { EmailSender } from './email/types'
import type { SmsSender } from './sms/types'
import type { SendResult } from './types'

const off = (what: string, setting: string): SendResult => ({
  ok: false,
  retryable: false,
  code: 'channel_off',
  message: `${what} is switched off for this deployment (${setting}=false).`,
})

/**
 * Email switched off for the deployment (EMAIL_ENABLED=false): every send is refused, never
 * retried, and never reaches a provider or the dev outbox.
 */
export function emailOff(): EmailSender {
  return {
    provider: 'resend',
    idempotent: true,
    send: async () => off('Email', 'EMAIL_ENABLED'),
  }
}

/** Texts switched off for the deployment (SMS_ENABLED=false), as {@link emailOff}. */
export function smsOff(): SmsSender {
  return {
    provider: 'twilio',
    idempotent: true,
    send: async () => off('Texting', 'SMS_ENABLED'),
  }
}
