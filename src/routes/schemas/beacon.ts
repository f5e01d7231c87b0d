import { z } from 'zod'
import { ItemSchema } from '../../domain/cart/schema'
import { currencyCode, httpUrl } from '../../lib/schemas'

/** Cart ids are random and opaque: 16–64 URL-safe characters. */
export const CART_ID = /^[A-Za-z0-9_-]{16,64}$/
export const CartIdSchema = z.string().regex(CART_ID, 'must be 16–64 characters of A-Z a-z 0-9 _ -')

const minor = z.number().int().min(0).max(1e12)

const timezone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz })
      return true
    } catch {
      return false
    }
  }, 'must be an IANA time zone such as America/Chicago')

const locale = z
  .string()
  .max(35)
  .refine((l) => {
    try {
      return Intl.getCanonicalLocales(l).length === 1
    } catch {
      return false
    }
  }, 'must be a BCP 47 language tag such as en-US')

const name = z.string().trim().max(100)

/** `POST /v1/events` body, as in DESIGN §6. Unknown fields are ignored. */
export const BeaconSchema = z
  .object({
    store: z.string().regex(/^pk_[A-Za-z0-9]{8,64}$/, 'must be a publishable key (pk_…)'),
    cart: CartIdSchema,
    type: z.enum(['cart', 'contact', 'checkout', 'order']),
    items: z.array(ItemSchema).max(250).optional(),
    currency: currencyCode.optional(),
    total: minor.optional(),
    contact: z
      .object({
        email: z.string().max(320).optional(),
        phone: z.string().max(40).optional(),
        firstName: name.optional(),
        lastName: name.optional(),
        timezone: timezone.optional(),
        locale: locale.optional(),
      })
      .optional(),
    consent: z
      .object({
        sms: z.boolean().optional(),
        email: z.boolean().optional(),
        text: z.string().trim().min(1, 'the exact disclosure text shown is required').max(2000),
      })
      .optional(),
    order: z.object({ id: z.string().trim().min(1).max(100), total: minor }).optional(),
    page: httpUrl.optional(),
  })
  .refine((b) => b.type !== 'order' || b.order !== undefined, {
    message: 'an order event needs an order { id, total }',
    path: ['order'],
  })

export type BeaconBody = z.infer<typeof BeaconSchema>
