import type { CouponIssuer } from '../adapters/coupons/types'
import type { EmailMessage } from '../adapters/email/types'
import { type SmsMessage, statusCallbackUrl } from '../adapters/sms/types'
import { woocommerceKeys } from '../db/stores'
import { isSuppressed } from '../db/suppressions'
import type { CartState } from '../domain/cart/types'
import { composeSms, type MessageInput } from '../domain/message/compose'
import type { MessageReport } from '../domain/message/report'
import type { EmailStep, SmsStep, Step } from '../domain/sequence/steps'
import { type CartPolicy, senderFrom } from '../domain/store/settings'
import { toBase64Url, utf8 } from '../lib/encoding'
import { hmacSha256 } from '../lib/hmac'
import { log } from '../lib/log'
import { currencyExponent } from '../lib/money'
import { signLinkToken } from '../lib/restore-token'
import { renderEmail } from '../ui/email/recovery-email'

const YEAR_S = 365 * 86_400

/** A stable message id from the outbox key: every retry of one step's send is one message. */
export async function messageIdFor(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(key)))
  return `msg_${toBase64Url(digest).replace(/[-_]/g, '').slice(0, 22)}`
}

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
export async function buildMessage(
  db: D1Database,
  secret: string,
  s: CartState,
  policy: CartPolicy,
  run: { stepId: string; channel: 'email' | 'sms'; key: string },
  now: number,
  incentive: MessageInput['incentive'] = null,
): Promise<Built> {
  const step = policy.sequence.find((x) => x.id === run.stepId && x.channel === run.channel)
  if (!step) return { skip: 'step_removed' }
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
  const code = await saveShortLink(
    db,
    secret,
    s,
    run.key,
    restoreToken,
    (nowS + policy.restoreTtlSeconds) * 1000,
  )
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

/**
 * A code derived from a send's key (HMAC, so not guessable from the key): a retry of the same
 * send gets the same code, whatever it names (a short link, a coupon).
 */
async function derivedCode(
  secret: string,
  label: string,
  key: string,
  alphabet: string,
  length: number,
) {
  const mac = await hmacSha256(secret, `${label}:${key}`)
  let code = ''
  for (let i = 0; i < length; i++) code += alphabet[mac[i]! % alphabet.length]
  return code
}

/** The coupon code of one send: no look-alike characters, so shoppers can type it. */
export async function couponCode(secret: string, key: string): Promise<string> {
  return `CB-${await derivedCode(secret, 'coupon', key, 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789', 8)}`
}

type CouponOutcome =
  | { ok: true; incentive: NonNullable<MessageInput['incentive']> }
  | { ok: false; retryable: boolean; reason: string }

/**
 * Creates the single-use coupon a step promises, through the store's WooCommerce API: percent
 * or fixed, expiring after the step's validity. Not tied to the shopper's email, which a restore
 * in a new browser cannot give WooCommerce (docs/design/coupons.md).
 */
export async function issueCoupon(
  db: D1Database,
  secret: string,
  coupons: CouponIssuer,
  s: CartState,
  /** A sequence step, or any other offer with an id (the SMS assistant's `sms-reply`). */
  step: Pick<Step, 'id' | 'incentive'>,
  key: string,
  now: number,
  storeCurrency: string,
): Promise<CouponOutcome | null> {
  if (!step.incentive) return null
  const shop = await woocommerceKeys(db, s.storeId, secret)
  if (shop.status === 'not_set')
    return { ok: false, retryable: false, reason: 'incentive_unavailable' }
  // Sealed under a previous SIGNING_SECRET: the merchant must enter the keys again.
  if (shop.status === 'unreadable') {
    log('warn', 'woocommerce keys unreadable', { storeId: s.storeId })
    return { ok: false, retryable: false, reason: 'incentive_keys_unreadable' }
  }
  const code = await couponCode(secret, key)
  const i = step.incentive
  // A fixed amount is in the store's currency: a cart's (beacon-set) currency must not scale it.
  const exp = currencyExponent(storeCurrency)
  const amount = i.kind === 'percent' ? String(i.amount) : (i.amount / 10 ** exp).toFixed(exp)
  const result = await coupons.create(shop, {
    code,
    kind: i.kind,
    amount,
    expiresAt: now + i.validForSeconds * 1000,
    description: `Cartback: cart ${s.cartId}, step ${step.id}`,
  })
  if (!result.ok)
    return { ok: false, retryable: result.retryable, reason: `incentive_failed:${result.code}` }
  // The shop changed what it was sent (a plugin, or an older Cartback's coupon): worth knowing.
  if (result.repaired)
    log('warn', 'woocommerce coupon repaired', {
      storeId: s.storeId,
      cartId: s.cartId,
      step: step.id,
    })
  return { ok: true, incentive: { kind: i.kind, amount: i.amount, code, currency: storeCurrency } }
}

/** Ten base62 characters: the same step always gets the same short link. */
function shortCode(secret: string, key: string): Promise<string> {
  return derivedCode(
    secret,
    'short',
    key,
    '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
    10,
  )
}

/**
 * Stores the short link `/s/<code>` that stands for a signed restore token, and returns its
 * code. The code is derived from `key`: the same send (or reply) always gets the same link.
 */
export async function saveShortLink(
  db: D1Database,
  secret: string,
  cart: { storeId: string; cartId: string },
  key: string,
  token: string,
  expiresAt: number,
): Promise<string> {
  const code = await shortCode(secret, key)
  await db
    .prepare(
      `INSERT INTO short_links (code, store_id, cart_id, token, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (code) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at`,
    )
    .bind(code, cart.storeId, cart.cartId, token, expiresAt)
    .run()
  return code
}
