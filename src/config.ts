import { z } from 'zod'
import { AppError } from './lib/errors'

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined))
const flag = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => v !== 'false')

/** The environment, validated once. Bad config is a startup error, never a silent default. */
const ConfigSchema = z
  .object({
    APP_ENV: z.enum(['development', 'test', 'production']),
    ADMIN_API_TOKEN: z.string().min(16, 'ADMIN_API_TOKEN must be at least 16 characters'),
    SIGNING_SECRET: z.string().min(32, 'SIGNING_SECRET must be at least 32 characters'),
    /** Public origin of this deployment, for links; defaults to the request's origin. */
    PUBLIC_BASE_URL: z.url().optional(),
    /** Channels can be switched off per deployment ("false"); on by default. */
    EMAIL_ENABLED: flag,
    SMS_ENABLED: flag,
    RESEND_API_KEY: optionalText,
    /** Verifies Resend's webhooks (Svix, `whsec_…`). */
    RESEND_WEBHOOK_SECRET: optionalText,
    /** For tests and proxies; Resend's own API by default. */
    RESEND_BASE_URL: z.url().optional(),
    TWILIO_ACCOUNT_SID: optionalText,
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_BASE_URL: z.url().optional(),
    /**
     * Who answers shoppers' texts: Workers AI through the AI binding (the default in
     * production) or the offline, rule-based responder (the default elsewhere).
     */
    AI_PROVIDER: z.enum(['workers-ai', 'local']).optional(),
    AI: z.custom<Ai>((v) => typeof v === 'object' && v !== null).optional(),
  })
  .transform((c) => ({
    ...c,
    AI_PROVIDER: c.AI_PROVIDER ?? (c.APP_ENV === 'production' ? 'workers-ai' : 'local'),
  }))
  .superRefine((c, ctx) => {
    // In production an enabled channel must reach its provider: no silent dev outbox.
    if (c.APP_ENV !== 'production') return
    if (c.EMAIL_ENABLED && !c.RESEND_API_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['RESEND_API_KEY'],
        message: 'required in production while email is enabled (or set EMAIL_ENABLED=false)',
      })
    }
    if (c.AI_PROVIDER === 'workers-ai' && !c.AI) {
      ctx.addIssue({
        code: 'custom',
        path: ['AI'],
        message:
          'the AI binding is required for AI_PROVIDER=workers-ai (add it to wrangler.jsonc, or set AI_PROVIDER=local)',
      })
    }
    if (c.SMS_ENABLED && !(c.TWILIO_ACCOUNT_SID && c.TWILIO_AUTH_TOKEN)) {
      ctx.addIssue({
        code: 'custom',
        path: ['TWILIO_ACCOUNT_SID'],
        message:
          'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are required in production while SMS is enabled (or set SMS_ENABLED=false)',
      })
    }
  })

export type Config = z.infer<typeof ConfigSchema>

const cache = new WeakMap<object, Config>()

/** Parses the env once per env object; throws BAD_ENVIRONMENT naming what is wrong. */
export function getConfig(env: Env): Config {
  const hit = cache.get(env)
  if (hit) return hit
  const parsed = ConfigSchema.safeParse(env)
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
    throw new AppError('BAD_ENVIRONMENT', `Invalid configuration: ${fields}`)
  }
  cache.set(env, parsed.data)
  return parsed.data
}
