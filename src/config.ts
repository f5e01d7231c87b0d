import { z } from 'zod'
import { AppError } from './lib/errors'

/** The environment, validated once. Bad config is a startup error, never a silent default. */
const ConfigSchema = z.object({
  APP_ENV: z.enum(['development', 'test', 'production']),
  ADMIN_API_TOKEN: z.string().min(16, 'ADMIN_API_TOKEN must be at least 16 characters'),
  SIGNING_SECRET: z.string().min(32, 'SIGNING_SECRET must be at least 32 characters'),
  /** Public origin of this deployment, for links; defaults to the request's origin. */
  PUBLIC_BASE_URL: z.url().optional(),
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
