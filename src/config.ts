import { z } from 'zod'
import { AppError } from './lib/errors'
import { log } from './lib/log'
import { svixKey } from './lib/webhook-secret'

/**
 * An optional setting: empty or blank means unset. The development environment in
 * wrangler.jsonc names every setting with an empty value so that wrangler loads each one from
 * .dev.vars; an empty value must read exactly as an absent one.
 */
const unset = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema)

const optionalText = unset(z.string().trim().optional())
const flag = unset(
  z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v !== 'false'),
)

/**
 * Bench-only switches (BENCH_MODE, comma-separated): `counters` counts billable operations
 * (src/bench-mode.ts); `no-rate-limit` skips the beacon limiter,
 * whose local simulation writes on every call where production's binding does not. One line
 * here per flag. Refused in production (see below).
 */
export const BENCH_FLAGS = ['no-rate-limit', 'counters'] as const
export type BenchFlag = (typeof BENCH_FLAGS)[number]

const benchMode = unset(
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const flags = (v ?? '').split(',').map((f) => f.trim())
      const known = new Set<string>(BENCH_FLAGS)
      for (const f of flags.filter((f) => f !== '' && !known.has(f))) {
        ctx.addIssue({ code: 'custom', message: `unknown flag "${f}" (${BENCH_FLAGS.join(', ')})` })
      }
      return new Set(flags.filter((f) => known.has(f))) as ReadonlySet<BenchFlag>
    }),
)

/** The environment, validated once. Bad config is a startup error, never a silent default. */
const ConfigSchema = z
  .object({
    APP_ENV: z.enum(['development', 'test', 'production']),
    ADMIN_API_TOKEN: z
      .string()
      .min(16, 'ADMIN_API_TOKEN must be at least 16 characters')
      // RFC 6750's token syntax, all that hono/bearer-auth accepts: another token could never sign in.
      .regex(
        /^[A-Za-z0-9._~+/-]+=*$/,
        'ADMIN_API_TOKEN may hold only letters, digits and . _ ~ + / - (then = padding)',
      ),
    SIGNING_SECRET: z.string().min(32, 'SIGNING_SECRET must be at least 32 characters'),
    /** Public origin of this deployment, for links; defaults to the request's origin. */
    PUBLIC_BASE_URL: unset(z.url().optional()),
    /** Channels can be switched off per deployment ("false"); on by default. */
    EMAIL_ENABLED: flag,
    SMS_ENABLED: flag,
    RESEND_API_KEY: optionalText,
    /** Verifies Resend's webhooks (Svix, `whsec_…`). */
    RESEND_WEBHOOK_SECRET: optionalText,
    /** For tests and proxies; Resend's own API by default. */
    RESEND_BASE_URL: unset(z.url().optional()),
    TWILIO_ACCOUNT_SID: optionalText,
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_BASE_URL: unset(z.url().optional()),
    /**
     * Who answers shoppers' texts: Workers AI through the AI binding (the default in
     * production) or the offline, rule-based responder (the default elsewhere).
     */
    AI_PROVIDER: unset(z.enum(['workers-ai', 'local']).optional()),
    AI: z.custom<Ai>((v) => typeof v === 'object' && v !== null).optional(),
    /**
     * How long an anonymous active cart's item changes may wait to be reported to D1 together
     * (`reportMayWait`): 10 s unless set; 0 reports each at once. See docs/design/cost.md.
     */
    REPORT_WAIT_SECONDS: unset(z.coerce.number().int().min(0).max(60).default(10)),
    BENCH_MODE: benchMode,
  })
  .transform((c) => ({
    ...c,
    AI_PROVIDER: c.AI_PROVIDER ?? (c.APP_ENV === 'production' ? 'workers-ai' : 'local'),
    // A channel switched off never reads its provider's secrets: wrangler deploy requires every
    // secret the config lists, so a merchant without that provider sets a placeholder, which
    // must never become a signing key (a forged inbound text) or an API key.
    ...(c.EMAIL_ENABLED ? {} : { RESEND_API_KEY: undefined, RESEND_WEBHOOK_SECRET: undefined }),
    ...(c.SMS_ENABLED ? {} : { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined }),
  }))
  .superRefine((c, ctx) => {
    // A mistyped secret would verify nothing (every Resend event refused), or worse, a short
    // one would be guessable: say so at startup. A switched-off channel's placeholder is gone.
    if (c.RESEND_WEBHOOK_SECRET && !svixKey(c.RESEND_WEBHOOK_SECRET)) {
      ctx.addIssue({
        code: 'custom',
        path: ['RESEND_WEBHOOK_SECRET'],
        message: 'must be the whsec_… signing secret Resend shows for the webhook',
      })
    }
    // In production an enabled channel must reach its provider: no silent dev outbox.
    if (c.APP_ENV !== 'production') return
    // A bench switch skips protection production relies on: never there.
    if (c.BENCH_MODE.size > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['BENCH_MODE'],
        message: 'is for the local bench only (APP_ENV development or test); unset it',
      })
    }
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
  announceSinks(parsed.data)
  return parsed.data
}

const announced = new Set<string>()

/**
 * Outside production, says once per isolate (in effect, at startup) which enabled channel falls
 * back to the dev outbox, so that a mistyped or dropped provider key is seen, not silent.
 */
function announceSinks(c: Config): void {
  if (c.APP_ENV === 'production') return
  for (const line of devOutboxChannels(c)) {
    if (announced.has(line)) continue
    announced.add(line)
    log('warn', line, { appEnv: c.APP_ENV })
  }
}

/** Where a channel's messages go under a config: its provider, the dev outbox, or nowhere. */
export type ChannelMode = 'provider' | 'outbox' | 'off'

/**
 * Each channel's mode: the one decision the adapters, the startup note, the dev outbox and the
 * settings page all read.
 */
export function channelModes(c: Config): { email: ChannelMode; sms: ChannelMode } {
  const mode = (enabled: boolean, keys: boolean): ChannelMode =>
    !enabled ? 'off' : keys ? 'provider' : 'outbox'
  return {
    email: mode(c.EMAIL_ENABLED, Boolean(c.RESEND_API_KEY)),
    sms: mode(c.SMS_ENABLED, Boolean(c.TWILIO_ACCOUNT_SID && c.TWILIO_AUTH_TOKEN)),
  }
}

/** The enabled channels that go to the dev outbox under this config, said plainly. */
export function devOutboxChannels(c: Config): string[] {
  const modes = channelModes(c)
  const lines: string[] = []
  if (modes.email === 'outbox') {
    lines.push('email goes to the dev outbox: RESEND_API_KEY is not set')
  }
  if (modes.sms === 'outbox') {
    lines.push(
      'texts go to the dev outbox: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are not both set',
    )
  }
  return lines
}
