// wrangler.jsonc exactly as shipped means production: what a plain `npx wrangler deploy` runs.
// Started like `npm start` (secrets from .dev.vars) but without asking for the development
// environment, the Worker serves no dev-only route, announces no dev outbox, and without the
// provider keys production needs it refuses to serve at all (fail closed).
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import twilio from 'twilio'
import { afterEach, describe, expect, it } from 'vitest'
import {
  applyMigrations,
  freePort,
  ROOT,
  type DevServer as Server,
  sandbox,
  secret,
  startDevServer,
} from '../../scripts/lib/dev-server.mjs'
import { DEV_ONLY_ROUTES } from '../dev-routes'

const PROVIDERS = {
  RESEND_API_KEY: `re_${randomBytes(12).toString('hex')}`,
  RESEND_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
  TWILIO_ACCOUNT_SID: `AC${randomBytes(16).toString('hex')}`,
  TWILIO_AUTH_TOKEN: randomBytes(16).toString('hex'),
}
const REQUIRED = {
  ADMIN_API_TOKEN: `cb_admin_${secret(16)}`,
  SIGNING_SECRET: secret(32),
  OWNER_EMAIL: 'owner@example.com',
  OWNER_PASSWORD: secret(12),
}

let running: { server: Server; box: { remove(): void } } | undefined

afterEach(async () => {
  await running?.server.stop()
  running?.box.remove()
  running = undefined
})

/** The shipped config's top level (no --env), secrets from the sandbox's .dev.vars. */
async function startShipped(devVars: Record<string, string>): Promise<Server> {
  const box = sandbox(devVars)
  applyMigrations({ dir: box.dir, persistTo: box.persistTo, env: null })
  const server: Server = await startDevServer({
    port: await freePort(),
    dir: box.dir,
    persistTo: box.persistTo,
    env: null,
    ready: 'any',
  })
  running = { server, box }
  return server
}

const request = (url: string, route: (typeof DEV_ONLY_ROUTES)[number]) =>
  fetch(`${url}${route.path}`, {
    method: route.method,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    ...(route.method === 'POST' ? { body: 'store=st_x&phone=%2B14155552671&text=STOP' } : {}),
  })

describe('the config as shipped', () => {
  it('runs in production: 404 on every dev-only route, and no dev outbox', async () => {
    const server = await startShipped({ ...REQUIRED, ...PROVIDERS })
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    for (const route of DEV_ONLY_ROUTES) {
      const res = await request(server.url, route)
      expect({ route: route.path, status: res.status }).toEqual({ route: route.path, status: 404 })
      expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } })
    }
    expect(server.output()).not.toMatch(/dev outbox/)
  })

  it('never reads a switched-off channel’s placeholder secrets', async () => {
    const server = await startShipped({
      ...REQUIRED,
      EMAIL_ENABLED: 'false',
      SMS_ENABLED: 'false',
      RESEND_API_KEY: 'off',
      RESEND_WEBHOOK_SECRET: 'off',
      TWILIO_ACCOUNT_SID: 'off',
      TWILIO_AUTH_TOKEN: 'off',
    })
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    // A text "signed" with the placeholder is refused: it is no signing key.
    const url = `${server.url}/webhooks/twilio/st_any`
    const params = { MessageSid: `SM${'0'.repeat(32)}`, From: '+14155552671', Body: 'STOP' }
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': twilio.getExpectedTwilioSignature('off', url, params),
      },
      body: new URLSearchParams(params),
    })
    expect(res.status).toBe(401)
  })

  it('refuses to serve without the provider keys an enabled channel needs', async () => {
    const server = await startShipped(REQUIRED)
    const health = await fetch(`${server.url}/healthz`)
    expect(health.status).toBe(500)
    const body = (await health.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('BAD_ENVIRONMENT')
    expect(body.error.message).toMatch(/RESEND_API_KEY/)
    expect(body.error.message).toMatch(/TWILIO_ACCOUNT_SID/)
    for (const route of DEV_ONLY_ROUTES) {
      expect((await request(server.url, route)).status).toBe(500)
    }
  })

  it('deploys from a fresh checkout with a plain wrangler deploy: the script built, production', () => {
    // A checkout as git gives it: no generated storefront bundle (it is git-ignored).
    const dir = mkdtempSync(join(tmpdir(), 'cartback-deploy-'))
    try {
      cpSync(join(ROOT, 'src'), join(dir, 'src'), {
        recursive: true,
        filter: (f) => !f.endsWith('bundle.generated.ts'),
      })
      cpSync(join(ROOT, 'scripts'), join(dir, 'scripts'), { recursive: true })
      for (const f of ['wrangler.jsonc', 'package.json', 'tsconfig.json'])
        cpSync(join(ROOT, f), join(dir, f))
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
      const wrangler = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js')
      const res = spawnSync(
        process.execPath,
        [wrangler, 'deploy', '--dry-run', '--outdir', join(dir, 'out')],
        { cwd: dir, encoding: 'utf8', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
      )
      const out = `${res.stdout}${res.stderr}`
      expect({ status: res.status, out }).toMatchObject({ status: 0 })
      expect(existsSync(join(dir, 'src', 'storefront', 'bundle.generated.ts'))).toBe(true)
      expect(out).toMatch(/env\.APP_ENV \("production"\)/)
      expect(out).not.toMatch(/development/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
