import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { getConfig } from './config'
import { AppError } from './lib/errors'

/** A copy of the test environment with some bindings changed (`undefined` removes one). */
const envWith = (base: unknown, changes: Record<string, unknown>) =>
  ({ ...(base as object), ...changes }) as unknown as Env

describe('getConfig', () => {
  it('reads a valid environment', () => {
    expect(getConfig(env).APP_ENV).toBe('test')
    // The copies below start from a complete environment.
    expect(getConfig({ ...env } as Env).SIGNING_SECRET).toBe(env.SIGNING_SECRET)
  })

  it('refuses production without provider credentials for an enabled channel', () => {
    const prod = envWith(env, {
      APP_ENV: 'production',
      RESEND_API_KEY: undefined,
      TWILIO_ACCOUNT_SID: undefined,
      TWILIO_AUTH_TOKEN: undefined,
    })
    expect(() => getConfig(prod)).toThrow(/RESEND_API_KEY.*TWILIO_ACCOUNT_SID/)
    const emailOnly = envWith(prod, { AI: {}, RESEND_API_KEY: 're_live', SMS_ENABLED: 'false' })
    expect(getConfig(emailOnly).SMS_ENABLED).toBe(false)
    const neither = envWith(prod, { AI: {}, EMAIL_ENABLED: 'false', SMS_ENABLED: 'false' })
    expect(getConfig(neither).APP_ENV).toBe('production')
  })

  it('lets item reports wait 10 s unless set, 0 to 60 whole seconds, and refuses anything else', () => {
    expect(getConfig(envWith(env, { REPORT_WAIT_SECONDS: undefined })).REPORT_WAIT_SECONDS).toBe(10)
    expect(getConfig(envWith(env, { REPORT_WAIT_SECONDS: ' ' })).REPORT_WAIT_SECONDS).toBe(10)
    expect(getConfig(envWith(env, { REPORT_WAIT_SECONDS: '0' })).REPORT_WAIT_SECONDS).toBe(0)
    expect(getConfig(envWith(env, { REPORT_WAIT_SECONDS: '30' })).REPORT_WAIT_SECONDS).toBe(30)
    for (const bad of ['-1', '1.5', '61', 'soon']) {
      expect(() => getConfig(envWith(env, { REPORT_WAIT_SECONDS: bad }))).toThrow(
        /REPORT_WAIT_SECONDS/,
      )
    }
  })

  it('reads bench flags outside production only', () => {
    expect([
      ...getConfig(envWith(env, { BENCH_MODE: 'counters, no-rate-limit' })).BENCH_MODE,
    ]).toEqual(['counters', 'no-rate-limit'])
    expect(getConfig(envWith(env, { BENCH_MODE: '' })).BENCH_MODE.size).toBe(0)
    expect(getConfig(env).BENCH_MODE.size).toBe(0)
    const bench = getConfig(envWith(env, { BENCH_MODE: ' no-rate-limit, ' }))
    expect([...bench.BENCH_MODE]).toEqual(['no-rate-limit'])
    expect(() => getConfig(envWith(env, { BENCH_MODE: 'count' }))).toThrow(/BENCH_MODE/)
    const prod = envWith(env, {
      APP_ENV: 'production',
      AI: {},
      EMAIL_ENABLED: 'false',
      SMS_ENABLED: 'false',
    })
    expect(getConfig(prod).BENCH_MODE.size).toBe(0)
    for (const flag of ['counters', 'no-rate-limit']) {
      expect(() => getConfig(envWith(prod, { BENCH_MODE: flag }))).toThrow(
        /BENCH_MODE: is for the local bench only/,
      )
    }
  })

  it('answers texts with Workers AI in production, and refuses it without the AI binding', () => {
    const prod = envWith(env, {
      APP_ENV: 'production',
      EMAIL_ENABLED: 'false',
      SMS_ENABLED: 'false',
    })
    expect(() => getConfig(prod)).toThrow(/AI: the AI binding is required/)
    expect(getConfig(envWith(prod, { AI: {} })).AI_PROVIDER).toBe('workers-ai')
    // The offline responder on purpose, or anywhere but production by default.
    expect(getConfig(envWith(prod, { AI_PROVIDER: 'local' })).AI_PROVIDER).toBe('local')
    expect(getConfig(env).AI_PROVIDER).toBe('local')
  })

  it('never reads a switched-off channel’s secrets, so a placeholder is harmless', () => {
    const off = envWith(env, {
      EMAIL_ENABLED: 'false',
      SMS_ENABLED: 'false',
      RESEND_API_KEY: 'off',
      RESEND_WEBHOOK_SECRET: 'off',
      TWILIO_ACCOUNT_SID: 'off',
      TWILIO_AUTH_TOKEN: 'off',
    })
    expect(getConfig(off)).toMatchObject({
      RESEND_API_KEY: undefined,
      RESEND_WEBHOOK_SECRET: undefined,
      TWILIO_ACCOUNT_SID: undefined,
      TWILIO_AUTH_TOKEN: undefined,
    })
  })

  it.each([
    ['a short signing secret', { SIGNING_SECRET: 'short' }, 'SIGNING_SECRET'],
    ['a missing API token', { ADMIN_API_TOKEN: undefined }, 'ADMIN_API_TOKEN'],
    [
      'an API token no Bearer header can carry',
      { ADMIN_API_TOKEN: 'not a bearer token!' },
      'ADMIN_API_TOKEN',
    ],
    ['an unknown APP_ENV', { APP_ENV: 'staging' }, 'APP_ENV'],
    [
      'a Resend webhook secret that is no whsec_ key',
      { RESEND_WEBHOOK_SECRET: 'off' },
      'RESEND_WEBHOOK_SECRET',
    ],
    ['an unknown bench switch', { BENCH_MODE: 'no-rate-limit,fast' }, 'BENCH_MODE'],
  ])('refuses %s with BAD_ENVIRONMENT naming the setting', (_n, patch, name) => {
    const bad = envWith(env, patch)
    let caught: unknown
    try {
      getConfig(bad)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(AppError)
    expect((caught as AppError).code).toBe('BAD_ENVIRONMENT')
    const message = (caught as AppError).message
    expect(message).toContain(name)
    // Only the broken setting is named.
    expect(message.match(/[A-Z_]{6,}:/g)).toEqual([`${name}:`])
  })
})
