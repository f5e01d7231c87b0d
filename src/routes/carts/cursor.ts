import { z } from 'zod'
import type { CartCursor } from '../../db/carts'
import { fromBase64Url, toBase64Url, utf8 } from '../../lib/encoding'
import { AppError } from '../../lib/errors'

// The cart list's keyset cursor, opaque to clients: base64url of the last row's sort key.

const Cursor = z.object({ u: z.number().int(), s: z.string(), c: z.string() })

/** The cursor a client sent back; 400 when it is not one of ours. */
export function decodeCursor(text: string): CartCursor {
  const bytes = fromBase64Url(text)
  let value: unknown = null
  try {
    value = bytes ? JSON.parse(new TextDecoder().decode(bytes)) : null
  } catch {}
  const parsed = Cursor.safeParse(value)
  if (!parsed.success) throw new AppError('BAD_REQUEST', 'Invalid cursor.')
  return { updatedAt: parsed.data.u, storeId: parsed.data.s, cartId: parsed.data.c }
}

/** The cursor of the page after the row `c`. */
export function encodeCursor(c: CartCursor): string {
  return toBase64Url(utf8.encode(JSON.stringify({ u: c.updatedAt, s: c.storeId, c: c.cartId })))
}
