import { type ChannelMode, channelModes, getConfig } from '../config'
import type { Report } from '../domain/cart/report'
import type { Responder } from '../domain/reply/types'
import { localResponder } from './ai/local'
import { workersAiResponder } from './ai/model'
import type { CouponIssuer } from './coupons/types'
import { wooCoupons } from './coupons/woocommerce'
import { outboxEmail } from './email/outbox'
import { resendEmail } from './email/resend'
import type { EmailSender } from './email/types'
import { emailOff, smsOff } from './off'
import { queueReports } from './reporting/queue'
import type { ReportSink } from './reporting/types'
import { outboxSms } from './sms/outbox'
import { twilioSms } from './sms/twilio'
import type { SmsSender } from './sms/types'

/** Every outside system the cart talks to, behind a narrow interface. */
export type Adapters = {
  reports: ReportSink
  email: EmailSender
  sms: SmsSender
  coupons: CouponIssuer
  /** Who answers a shopper's text, with the store's chosen model. */
  responder(model: string): Responder
}

/**
 * The one place that picks implementations: nothing for a channel the deployment switched off,
 * the provider when its credentials are set, the dev outbox otherwise. config.ts has already
 * refused a missing credential in production.
 */
export function createAdapters(env: Env): Adapters {
  const c = getConfig(env)
  const modes = channelModes(c)
  return {
    reports: queueReports(env.REPORTS as Queue<Report>),
    responder: (model) =>
      c.AI_PROVIDER === 'workers-ai' && c.AI ? workersAiResponder(c.AI, model) : localResponder(),
    // Each store's own WooCommerce API; its keys come with the store, not the deployment.
    coupons: wooCoupons(),
    email: pick(modes.email, {
      off: emailOff,
      outbox: outboxEmail,
      provider: () =>
        resendEmail({
          apiKey: c.RESEND_API_KEY ?? '',
          ...(c.RESEND_BASE_URL ? { baseUrl: c.RESEND_BASE_URL } : {}),
        }),
    }),
    sms: pick(modes.sms, {
      off: smsOff,
      outbox: outboxSms,
      provider: () =>
        twilioSms({
          accountSid: c.TWILIO_ACCOUNT_SID ?? '',
          authToken: c.TWILIO_AUTH_TOKEN ?? '',
          ...(c.TWILIO_BASE_URL ? { baseUrl: c.TWILIO_BASE_URL } : {}),
        }),
    }),
  }
}

const pick = <T>(mode: ChannelMode, make: Record<ChannelMode, () => T>): T => make[mode]()
