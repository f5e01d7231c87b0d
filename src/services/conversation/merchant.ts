import { messageIdFor } from '../delivery/codes'
import { type SendHost, sendText } from './send'

/** How a merchant's reply went: `outcome_unknown` when Twilio may have taken it. */
export type MerchantReplyResult = { sent: boolean; reason?: string }

/**
 * The merchant's own reply about one cart, sent once per `requestKey` and kept in that cart's
 * thread (which need not be the contact's active one). The caller checks suppression first.
 */
export async function sendMerchantReply(
  h: SendHost,
  cartId: string,
  text: string,
  requestKey: string,
): Promise<MerchantReplyResult> {
  const key = `merchant-${await messageIdFor(`${cartId}:${requestKey}`)}`
  // A reply that may have reached the shopper is part of the thread, like a sent one.
  const turn = { turn: { author: 'merchant', text, model: null }, cartId, ifUnknown: true } as const
  const sent = (await sendText(h, key, text, cartId, turn)).result
  const unknown = !sent.ok && sent.code === 'outcome_unknown'
  if (sent.ok) return { sent: true }
  // Twilio may have taken it: the merchant must not send it again blindly.
  return { sent: false, reason: unknown ? 'outcome_unknown' : 'not_sent' }
}
