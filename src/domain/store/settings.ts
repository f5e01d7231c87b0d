import { z } from 'zod'

const DAY = 86_400

/**
 * A store's settings. Every field has a default, so `SettingsSchema.parse({})` is a valid
 * configuration and stored settings written by an older version still parse. Later
 * capabilities (sequence steps, quiet hours, sender, knowledge base) add fields here.
 */
export const SettingsSchema = z
  .object({
    /** Quiet time after the last cart activity before a cart counts as abandoned. */
    inactivitySeconds: z
      .number()
      .int()
      .min(1)
      .max(30 * DAY)
      .default(3600),
    /** How long a restore link stays valid. */
    restoreTtlSeconds: z
      .number()
      .int()
      .min(60)
      .max(90 * DAY)
      .default(14 * DAY),
    /** How long after abandonment (or a restore click) an order still counts as recovered. */
    attributionWindowSeconds: z
      .number()
      .int()
      .min(60)
      .max(90 * DAY)
      .default(7 * DAY),
    /** Region used to read phone numbers typed without a country code (ISO 3166-1 alpha-2). */
    defaultCountry: z
      .string()
      .regex(/^[A-Z]{2}$/, 'two capital letters, such as US')
      .default('US'),
  })
  .strict()

export type Settings = z.infer<typeof SettingsSchema>

/** Partial settings as accepted by PATCH: only known keys, each validated. */
export const SettingsPatchSchema = SettingsSchema.partial()

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
