import { z } from 'zod'
import { isCurrency } from './money'

/** An absolute http(s) URL of reasonable length (never `javascript:` or `data:`). */
export const httpUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), 'must be an http(s) URL')

/** An ISO 4217 currency code the runtime knows. */
export const currencyCode = z.string().refine(isCurrency, 'must be an ISO 4217 code such as USD')

/** A whole number in `[min, max]`: durations in seconds, hours of the day. */
export const intIn = (min: number, max: number) => z.number().int().min(min).max(max)
