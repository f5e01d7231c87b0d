import { z } from 'zod'

const DAY = 86_400

/** Each setting's validation, without defaults (so a partial update sets only what it names). */
const fields = {
  /** Quiet time after the last cart activity before a cart counts as abandoned. */
  inactivitySeconds: z
    .number()
    .int()
    .min(1)
    .max(30 * DAY),
  /** How long a restore link stays valid. */
  restoreTtlSeconds: z
    .number()
    .int()
    .min(60)
    .max(90 * DAY),
  /** How long after abandonment (or a restore click) an order still counts as recovered. */
  attributionWindowSeconds: z
    .number()
    .int()
    .min(60)
    .max(90 * DAY),
  /** Region used to read phone numbers typed without a country code (ISO 3166-1 alpha-2). */
  defaultCountry: z.string().regex(/^[A-Z]{2}$/, 'two capital letters, such as US'),
}

export const DEFAULT_SETTINGS = {
  inactivitySeconds: 3600,
  restoreTtlSeconds: 14 * DAY,
  attributionWindowSeconds: 7 * DAY,
  defaultCountry: 'US',
} as const

/**
 * A store's settings. Every field has a default, so `SettingsSchema.parse({})` is a valid
 * configuration and settings stored by an older version still parse. Later capabilities
 * (sequence steps, quiet hours, sender, knowledge base) add fields here.
 */
export const SettingsSchema = z
  .object({
    inactivitySeconds: fields.inactivitySeconds.default(DEFAULT_SETTINGS.inactivitySeconds),
    restoreTtlSeconds: fields.restoreTtlSeconds.default(DEFAULT_SETTINGS.restoreTtlSeconds),
    attributionWindowSeconds: fields.attributionWindowSeconds.default(
      DEFAULT_SETTINGS.attributionWindowSeconds,
    ),
    defaultCountry: fields.defaultCountry.default(DEFAULT_SETTINGS.defaultCountry),
  })
  .strict()

export type Settings = z.infer<typeof SettingsSchema>

/** Partial settings as accepted by PATCH: only known keys, each validated, no defaults. */
export const SettingsPatchSchema = z.object(fields).partial().strict()

/** The part of the settings a cart needs to run its own timers. */
export type CartPolicy = Pick<
  Settings,
  'inactivitySeconds' | 'attributionWindowSeconds' | 'restoreTtlSeconds'
>

export function cartPolicy(settings: Settings): CartPolicy {
  return {
    inactivitySeconds: settings.inactivitySeconds,
    attributionWindowSeconds: settings.attributionWindowSeconds,
    restoreTtlSeconds: settings.restoreTtlSeconds,
  }
}
