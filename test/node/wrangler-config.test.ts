// wrangler.jsonc's two faces: the top level is production (a plain `wrangler deploy`), and the
// "development" environment is what `npm start`, the tests and the bench ask for by name.
// Bindings are not inherited by an environment, so they are written twice; these checks keep
// the copies equal and every setting the Worker reads loadable from .dev.vars.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..')
// Full-line `//` comments only (the file has no `//` inside strings).
const config = JSON.parse(
  readFileSync(join(ROOT, 'wrangler.jsonc'), 'utf8').replace(/^\s*\/\/.*$/gm, ''),
)
const dev = config.env.development
const BINDINGS = ['durable_objects', 'd1_databases', 'queues', 'ai', 'ratelimits'] as const

// Every optional setting or secret src/config.ts reads, as src/env.d.ts declares them.
const optional = [
  ...readFileSync(join(ROOT, 'src', 'env.d.ts'), 'utf8').matchAll(/^\s+([A-Z_]+)\?: string/gm),
].map((m) => m[1] as string)

describe('wrangler.jsonc', () => {
  it('means production as shipped, with both channels on and Workers AI answering', () => {
    expect(config.vars).toMatchObject({
      APP_ENV: 'production',
      EMAIL_ENABLED: 'true',
      SMS_ENABLED: 'true',
      AI_PROVIDER: 'workers-ai',
    })
  })

  it('has a plain deploy require every secret production reads', () => {
    expect(config.secrets.required).toEqual([
      'ADMIN_API_TOKEN',
      'SIGNING_SECRET',
      'OWNER_EMAIL',
      'OWNER_PASSWORD',
      'RESEND_API_KEY',
      'RESEND_WEBHOOK_SECRET',
      'TWILIO_ACCOUNT_SID',
      'TWILIO_AUTH_TOKEN',
    ])
  })

  it('lets .dev.vars reach every setting and secret, at the top level too', () => {
    const loadable = new Set([...Object.keys(config.vars), ...config.secrets.required])
    // BENCH_MODE is for the bench only: production refuses it (src/config.ts).
    for (const name of optional.filter((n) => n !== 'BENCH_MODE'))
      expect({ name, loadable: loadable.has(name) }).toEqual({ name, loadable: true })
  })

  it('asks for development only by name', () => {
    expect(dev.vars.APP_ENV).toBe('development')
  })

  it.each(BINDINGS)('gives development the same %s as production', (key) => {
    expect(dev[key]).toEqual(config[key])
  })

  it('requires in development only the secrets npm start writes to .dev.vars', () => {
    expect(dev.secrets.required).toEqual([
      'ADMIN_API_TOKEN',
      'SIGNING_SECRET',
      'OWNER_EMAIL',
      'OWNER_PASSWORD',
    ])
  })

  it('names every optional setting in development, empty, so that .dev.vars reaches the Worker', () => {
    expect(optional.length).toBeGreaterThan(5)
    for (const name of optional)
      expect({ name, value: dev.vars[name] }).toEqual({ name, value: '' })
    expect(Object.keys(dev.vars).sort()).toEqual(['APP_ENV', ...optional].sort())
  })
})
