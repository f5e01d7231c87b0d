import type { EmailMessage } from '../../adapters/email/types'
import type { CartState } from '../../domain/cart/types'
import { describeIncentive } from '../../domain/message/format'
import type { GuardContext } from '../../domain/reply/guard'
import type { ReplyInput, Turn } from '../../domain/reply/types'
import type { ContactPolicy } from '../../domain/store/settings'
import { escapeHtml } from '../../lib/encoding'
import { signLinkToken } from '../../lib/restore-token'
import { saveShortLink } from '../delivery/short-link'

/** The step name of links and coupons that come from a reply, not from the sequence. */
export const REPLY_STEP = 'sms-reply'

/** The restore link a reply may carry: signed for the reply step, as a short link. */
export async function replyLink(
  db: D1Database,
  secret: string,
  cart: CartState,
  policy: ContactPolicy,
  now: number,
): Promise<string> {
  const exp = Math.floor(now / 1000) + policy.restoreTtlSeconds
  const token = await signLinkToken(secret, 'restore', {
    storeId: cart.storeId,
    cartId: cart.cartId,
    step: REPLY_STEP,
    exp,
  })
  const key = `${cart.storeId}:${cart.cartId}:${REPLY_STEP}`
  const code = await saveShortLink({ db, secret, cart, key, token, expiresAt: exp * 1000 })
  return `${policy.baseUrl}/s/${code}`
}

/** What the responder gets: the store's facts, this shopper's cart, the thread so far. */
export function replyInput(
  policy: ContactPolicy,
  cart: CartState | null,
  link: string | null,
  history: Turn[],
  message: string,
  firstAiMessage: boolean,
  incentiveOpen: boolean,
): ReplyInput {
  const incentive = policy.ai.incentive
  return {
    storeName: policy.storeName,
    knowledgeBase: policy.knowledgeBase,
    cart:
      cart && link && cart.items.length > 0
        ? {
            currency: cart.currency,
            locale: cart.contact.locale ?? 'en-US',
            items: cart.items.map((i) => ({ name: i.name, quantity: i.quantity, price: i.price })),
            total: cart.total,
            restoreUrl: link,
          }
        : null,
    incentive:
      incentive && incentiveOpen && cart
        ? describeIncentive(incentive, policy.currency, cart.contact.locale ?? undefined)
        : null,
    history,
    message,
    firstAiMessage,
  }
}

/** What a reply may mention: this cart's amounts, the allowed incentive, the store's facts. */
export function guardContext(
  policy: ContactPolicy,
  cart: CartState | null,
  link: string | null,
  code: string | null,
  firstAiMessage: boolean,
  phone: string,
): GuardContext {
  const kb = policy.knowledgeBase
  const incentive = policy.ai.incentive
  const items = cart?.items ?? []
  return {
    currency: cart?.currency ?? policy.currency,
    restoreUrl: link,
    allowedMoney: [
      ...items.flatMap((i) => [i.price, i.price * i.quantity]),
      ...(cart ? [cart.total] : []),
      ...(incentive?.kind === 'fixed' ? [incentive.amount] : []),
    ],
    allowedPercents: incentive?.kind === 'percent' ? [incentive.amount] : [],
    allowedCodes: code ? [code] : [],
    // The shopper's own number (they hold it) and the store's contacts; never the cart's email:
    // whoever texts from this phone must not learn it.
    allowedContacts: [phone, ...policy.supportContacts],
    firstAiMessage,
    // The merchant's words only: item names come from the public beacon.
    knownText: [
      policy.storeName,
      kb.shipping,
      kb.returns,
      kb.payment,
      ...kb.faq.flatMap((f) => [f.q, f.a]),
    ]
      .filter(Boolean)
      .join('\n'),
  }
}

/** The note to the merchant when a thread needs a person. */
export function handoffEmail(
  policy: ContactPolicy,
  handoff: { to: string; from: string },
  phone: string,
  cartId: string | null,
  reason: string,
  turns: Turn[],
): EmailMessage {
  const lines = turns
    .slice(-10)
    .map((t) => `${new Date(t.at).toISOString()} ${t.author}: ${t.text}`)
  const text = [
    `A shopper texting ${policy.storeName} needs a person (${reason}).`,
    `Phone: ${phone}`,
    cartId ? `Cart: ${cartId}` : 'No cart.',
    'The assistant stays silent on this thread until you resume it (API action "resume_ai").',
    '',
    ...lines,
  ].join('\n')
  return {
    from: handoff.from,
    to: handoff.to,
    subject: `${policy.storeName}: a shopper asked for a person`,
    text,
    html: `<pre style="font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap">${escapeHtml(text)}</pre>`,
  }
}
