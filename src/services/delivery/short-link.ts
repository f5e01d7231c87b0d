import { putShortLink } from '../../db/short-links'
import { shortCode } from './codes'

/**
 * Stores the short link `/s/<code>` that stands for a signed restore token, and returns its
 * code. The code is derived from `key`: the same send (or reply) always gets the same link.
 */
export async function saveShortLink(input: {
  db: D1Database
  secret: string
  cart: { storeId: string; cartId: string }
  key: string
  token: string
  expiresAt: number
}): Promise<string> {
  const code = await shortCode(input.secret, input.key)
  await putShortLink(input.db, {
    code,
    storeId: input.cart.storeId,
    cartId: input.cart.cartId,
    token: input.token,
    expiresAt: input.expiresAt,
  })
  return code
}
