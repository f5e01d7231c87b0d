import type { Context } from 'hono'
import type { z } from 'zod'
import { AppError } from '../lib/errors'

/** One readable line from zod issues: `items.0.price: expected int`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ')
}

/** Validates `value` or throws BAD_REQUEST naming the first problems. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    throw new AppError('BAD_REQUEST', `Invalid ${what}: ${describeIssues(parsed.error)}`)
  }
  return parsed.data
}

/** Parses a JSON text, mapping a syntax error to BAD_REQUEST. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new AppError('BAD_REQUEST', 'The body is not valid JSON.')
  }
}

/** Reads and validates a JSON request body (API routes: `application/json` only). */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/json\b/i.test(type)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.')
  }
  return parseOrThrow(schema, parseJsonText(await c.req.text()), 'body')
}

/** Validates the query string. */
export function queryOf<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return parseOrThrow(schema, c.req.query(), 'query')
}

/** Body limit middleware options that answer with our error envelope. */
export function tooLarge(limit: number) {
  return {
    maxSize: limit,
    onError: () => {
      throw new AppError('PAYLOAD_TOO_LARGE', `The body is larger than ${limit} bytes.`)
    },
  }
}
