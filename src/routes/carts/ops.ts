import type { Context } from 'hono'
import { z } from 'zod'
import { listMessages } from '../../db/messages'
import { eraseCartRows } from '../../db/projection'
import { type Store, storeById } from '../../db/stores'
import type { MerchantAction } from '../../domain/cart/types'
import { cartPolicy, contactPolicy } from '../../domain/store/settings'
import { normalizeEmail, normalizePhone } from '../../lib/contact'
import { AppError } from '../../lib/errors'
import { log } from '../../lib/log'
import { cartStub, contactStub } from '../../objects/stubs'
import { detailOf } from '../../views/cart-detail'
import type { AppEnv } from '../env'
import { publicBase, restoreLink } from '../links'
import { CartIdSchema } from '../schemas/beacon'
import { parseOrThrow } from '../validation'

// What the merchant can do to a cart, shared by the JSON API and the dashboard so that both
// go through the same objects and the same refusals.

/** The store and cart a request names (404 for an unknown store, 400 for a malformed id). */
export async function resolveCart(c: Context<AppEnv>, storeId: string, rawCartId: string) {
  const store = await storeById(c.env.DB, storeId)
  if (!store) throw new AppError('NOT_FOUND', 'No such store.')
  const cartId = parseOrThrow(CartIdSchema, rawCartId, 'cart id')
  return { store, cartId, stub: cartStub(c.env.CART, { storeId: store.id, cartId }) }
}

const smsRef = (storeId: string, address: string) => ({
  storeId,
  channel: 'sms' as const,
  address,
})

/** `CartDetail`: the object's state and journal, its messages, restore link and SMS thread. */
export async function cartDetail(c: Context<AppEnv>, store: Store, cartId: string) {
  const snap = await cartStub(c.env.CART, { storeId: store.id, cartId }).snapshot()
  if (!snap) return null
  const sent = await listMessages(c.env.DB, { storeIds: [store.id], cartId, limit: 200 })
  const phone = snap.state.contact.phone
  const conversation = phone
    ? await contactStub(c.env.CONTACT, smsRef(store.id, phone)).conversation(cartId)
    : null
  return detailOf(snap.state, snap.journal, await restoreLink(c, store, cartId), sent, conversation)
}

/**
 * Erases a cart: its object, its reporting rows and its SMS thread (not the consent ledger).
 * `unchangedSince` (retention): only if the cart's own state was last changed before then.
 * Returns `erased`, `kept` (changed since) or `missing` (the object holds nothing).
 */
export async function deleteCart(
  env: Env,
  store: Pick<Store, 'id'>,
  cartId: string,
  unchangedSince?: number,
): Promise<'erased' | 'kept' | 'missing'> {
  const erased = await cartStub(env.CART, { storeId: store.id, cartId }).erase(
    unchangedSince === undefined ? {} : { unchangedSince },
  )
  if (!erased) return 'missing'
  if ('kept' in erased) return 'kept'
  // The consent ledger stays: it is kept 4 years, apart from cart data.
  if (erased.phone) {
    await contactStub(env.CONTACT, smsRef(store.id, erased.phone)).forgetCart(cartId)
  }
  await eraseCartRows(env.DB, store.id, cartId, erased.revision)
  return 'erased'
}

/** Archive, ignore, unignore or mark recovered; throws the machine's refusal as a 409. */
export async function actOnCart(
  c: Context<AppEnv>,
  store: Store,
  cartId: string,
  action: MerchantAction,
) {
  const result = await cartStub(c.env.CART, { storeId: store.id, cartId }).act(
    action,
    cartPolicy(store, publicBase(c)),
  )
  if (!result) throw new AppError('NOT_FOUND', 'No such cart.')
  if (result.refused) throw new AppError(result.refused.code, result.refused.message)
  return result.state
}

/** The contact object of a cart's phone; 404 without the cart, 409 without a phone. */
export async function phoneContact(c: Context<AppEnv>, store: Store, cartId: string) {
  const snap = await cartStub(c.env.CART, { storeId: store.id, cartId }).snapshot()
  if (!snap) throw new AppError('NOT_FOUND', 'No such cart.')
  const phone = snap.state.contact.phone
  if (!phone) throw new AppError('CONFLICT', 'This cart has no phone number.')
  const ref = smsRef(store.id, phone)
  return { ref, contact: contactStub(c.env.CONTACT, ref) }
}

/** A one-time key for one reply by hand (the form's nonce, the API's `Idempotency-Key`). */
export const ReplyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, '1 to 200 visible ASCII characters')

const MAY_HAVE_GONE =
  "the text may have been sent. Check the cart's messages before sending it again."

/**
 * The merchant answers the shopper by hand: sent as a text, kept in the thread as `merchant`.
 * The same `requestKey` again never sends a second text.
 */
export async function replyByHand(
  c: Context<AppEnv>,
  store: Store,
  cartId: string,
  text: string,
  requestKey?: string,
) {
  const { ref, contact } = await phoneContact(c, store, cartId)
  const policy = contactPolicy(store, publicBase(c))
  // A failure of the object mid-send (the call may have been made) is no cue to send again.
  let result: { sent: boolean; reason?: string }
  try {
    result = await contact.merchantReply(ref, cartId, text, policy, requestKey)
  } catch (err) {
    log('error', 'reply by hand cut off', { error: String(err) })
    throw new AppError('PROVIDER_UNAVAILABLE', `The send was cut off: ${MAY_HAVE_GONE}`)
  }
  if (!result.sent) {
    if (result.reason === 'suppressed')
      throw new AppError('CONFLICT', 'This number opted out of texts.')
    throw result.reason === 'outcome_unknown'
      ? new AppError('PROVIDER_UNAVAILABLE', `Twilio did not answer: ${MAY_HAVE_GONE}`)
      : new AppError('PROVIDER_UNAVAILABLE', 'The text could not be sent; try again.')
  }
  return contact
}

/**
 * A search box's text as a filter: an email, a phone number (read in `region` when typed
 * without a country code), or else an order or cart id.
 */
export function searchOf(q: string, region: string) {
  const email = q.includes('@') ? normalizeEmail(q) : null
  if (email) return { email }
  const phone = /^[+\d][\d\s().-]{5,}$/.test(q) ? normalizePhone(q, region) : null
  return phone ? { phone } : { id: q }
}
