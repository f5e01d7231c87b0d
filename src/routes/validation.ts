import { zValidator } from '@hono/zod-validator'
import type { Context, MiddlewareHandler, ValidationTargets } from 'hono'
import { z } from 'zod'
import { AppError } from '../lib/errors'
import type { AppEnv } from './env'

/** One readable line from zod issues: `items.0.price: expected int`. */
export function describeIssues(error: { issues: readonly z.core.$ZodIssue[] }): string {
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

const WHAT: Partial<Record<keyof ValidationTargets, string>> = { json: 'body', query: 'query' }

/**
 * The one hook of every `zValidator` in routes/: a failed schema is a 400 in our envelope naming
 * the first problems (`Invalid body: text: Too small…`); without it zod-validator answers with
 * zod's own result as JSON.
 */
export function invalid(
  result: (
    | { success: true }
    | { success: false; error: { issues: readonly z.core.$ZodIssue[] } }
  ) & {
    target: keyof ValidationTargets
  },
): void {
  if (result.success) return
  const what = WHAT[result.target] ?? result.target
  throw new AppError('BAD_REQUEST', `Invalid ${what}: ${describeIssues(result.error)}`)
}

/**
 * The hook of a page's own form or filter: a failed schema is BAD_REQUEST in the page's words
 * (a merchant or a shopper reads it; zod's paths would mean nothing to them).
 */
export function refuse(message: string) {
  return (result: { success: boolean }): void => {
    if (!result.success) throw new AppError('BAD_REQUEST', message)
  }
}

/**
 * `zValidator('form', schema)` for a dashboard form that, refused, shows its page again: `again`
 * gets the form as posted (to keep what was typed) and zod's issues, and returns the page with
 * the page's own words and status.
 */
export function pageForm<S extends z.ZodType>(
  schema: S,
  again: (
    c: Context<AppEnv>,
    posted: Record<string, unknown>,
    issues: readonly z.core.$ZodIssue[],
  ) => Response | Promise<Response>,
) {
  return zValidator('form', schema, (result, c) => {
    if (!result.success) {
      return again(c as Context, result.data as Record<string, unknown>, result.error.issues)
    }
  })
}

const Part = z.union([z.string(), z.instanceof(File)])

/**
 * A form read as fields-as-data (the settings and sequence editors convert and check each field
 * themselves, with their errors by field): every field a text or a file, and, as
 * `c.req.parseBody()` reads it, a repeated field keeps its last value (`name[]` stays a list).
 * Any posted form passes; `invalid` answers for anything else.
 */
export const formFields = zValidator(
  'form',
  z.record(z.string(), z.union([Part, z.array(Part)])).transform((form) => {
    for (const [k, v] of Object.entries(form)) {
      if (Array.isArray(v) && !k.endsWith('[]')) form[k] = v[v.length - 1] ?? ''
    }
    return form
  }),
  invalid,
)

/**
 * Put before `zValidator('json', …)`: hono's validator reads any other content type as `{}`
 * (a misleading "Invalid body") and says malformed JSON in its own words. Here a body that is not
 * `application/json` is 415 and malformed JSON 400 in our envelope; the text read here is cached,
 * so the validator parses it without reading the stream again.
 */
export const jsonOnly: MiddlewareHandler = async (c, next) => {
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.')
  }
  parseJsonText(await c.req.text())
  await next()
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
