import type { EmailMessage } from '../../adapters/email/types'
import { type SmsMessage, statusCallbackUrl } from '../../adapters/sms/types'
import { isSuppressed } from '../../db/suppressions'
import { stepOfRun } from '../../domain/cart/runs'
import type { CartState } from '../../domain/cart/types'
import { composeSms, type MessageInput } from '../../domain/message/compose'
import type { MessageReport } from '../../domain/message/report'
import type { EmailStep, SmsStep } from '../../domain/sequence/steps'
import { type CartPolicy, senderFrom } from '../../domain/store/settings'
import { signLinkToken } from '../../lib/restore-token'
import { renderEmail } from '../../ui/email/recovery-email'
import { messageIdFor } from './codes'
import { saveShortLink } from './short-link'

const YEAR_S = 365 * 86_400

/** A step's message, rendered for its channel, or why it cannot be made. */
export type Built =
  | {
      channel: 'email'
      email: EmailMessage
      report: Omit<
        MessageReport,
        'status' | 'provider' | 'providerId' | 'error' | 'createdAt' | 'updatedAt'
      >
    }
  | {
      channel: 'sms'
      sms: Omit<SmsMessage, 'from'>
      report: Omit<
        MessageReport,
        'status' | 'provider' | 'providerId' | 'error' | 'createdAt' | 'updatedAt'
      >
    }
  | { skip: string }

/**
 * Renders one step for one cart: signs its restore link (bound to the step) and unsubscribe
 * link, shortens the link for texts, and fills the templates. Returns a reason instead when the
 * message cannot be made (no sender address, text too long, step gone).
 */
export async function buildMessage(args: {
  db: D1Database
  secret: string
  cart: CartState
  policy: CartPolicy
  run: { stepId: string; channel: 'email' | 'sms'; key: string }
  /** The run's variant and experiment (issue 15): its content is what is sent. */
  variant: { variant: string | null; experiment: string | null }
  now: number
  incentive: MessageInput['incentive']
}): Promise<Built> {
  const { db, secret, cart: s, policy, run, now, incentive } = args
  const found = stepOfRun(policy, { id: run.stepId, channel: run.channel, ...args.variant })
  if (!found) return { skip: 'step_removed' }
  const { step, variant } = found
  // A step that promises an incentive is never sent without its coupon (see issueCoupon).
  if (step.incentive && !incentive) return { skip: 'incentive_unavailable' }
  const id = await messageIdFor(run.key)
  const nowS = Math.floor(now / 1000)
  const claims = { storeId: s.storeId, cartId: s.cartId, step: step.id }
  const restoreToken = await signLinkToken(secret, 'restore', {
    ...claims,
    exp: nowS + policy.restoreTtlSeconds,
  })
  const unsubscribeToken = await signLinkToken(secret, 'unsubscribe', {
    ...claims,
    // The message id names the address this email went to, whatever the cart holds later.
    step: id,
    exp: nowS + YEAR_S,
  })
  const input: MessageInput = {
    storeName: policy.storeName,
    sender: policy.sender,
    currency: s.currency,
    locale: s.contact.locale ?? null,
    firstName: s.contact.firstName ?? null,
    items: s.items,
    total: s.total,
    restoreUrl: `${policy.baseUrl}/r/${restoreToken}`,
    unsubscribeUrl: `${policy.baseUrl}/u/${unsubscribeToken}`,
    incentive,
  }
  const base = {
    kind: 'message' as const,
    id,
    storeId: s.storeId,
    cartId: s.cartId,
    stepId: step.id,
    variant,
    experiment: variant === null ? null : args.variant.experiment,
  }

  if (step.channel === 'email') {
    const to = s.contact.email
    if (!to) return { skip: 'no_email' }
    if (await isSuppressed(db, s.storeId, 'email', to)) return { skip: 'email_suppressed' }
    const from = senderFrom(policy.sender, policy.storeName)
    if (!from) return { skip: 'no_sender_address' }
    const rendered = await renderEmail(step as EmailStep, input)
    return {
      channel: 'email',
      email: {
        from,
        to,
        ...(policy.sender.replyTo ? { replyTo: policy.sender.replyTo } : {}),
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        unsubscribeUrl: input.unsubscribeUrl,
      },
      report: {
        ...base,
        channel: 'email',
        to,
        subject: rendered.subject,
        preheader: rendered.preheader,
        text: rendered.text,
        html: rendered.html,
      },
    }
  }

  const to = s.contact.phone
  if (!to) return { skip: 'no_phone' }
  if (await isSuppressed(db, s.storeId, 'sms', to)) return { skip: 'sms_suppressed' }
  // Texts carry a short link: /s/<code> stands for the signed restore link.
  const code = await saveShortLink({
    db,
    secret,
    cart: s,
    key: run.key,
    token: restoreToken,
    expiresAt: (nowS + policy.restoreTtlSeconds) * 1000,
  })
  const firstText = !s.runs.some((r) => r.channel === 'sms' && r.status === 'sent')
  const composed = composeSms(
    step as SmsStep,
    { ...input, restoreUrl: `${policy.baseUrl}/s/${code}` },
    firstText,
  )
  if ('error' in composed) return { skip: 'text_too_long' }
  return {
    channel: 'sms',
    sms: {
      to,
      body: composed.text,
      statusCallback: statusCallbackUrl(policy.baseUrl, s.storeId, id),
    },
    report: {
      ...base,
      channel: 'sms',
      to,
      subject: null,
      preheader: null,
      text: composed.text,
      html: null,
    },
  }
}
