// `npm start`'s own setup over real HTTP: scripts/start.mjs itself, run in a sandbox laid out
// like this checkout, with the .dev.vars a merchant writes to try real providers locally (keys
// pointed at local stand-ins for Resend and Twilio, and PUBLIC_BASE_URL as a tunnel gives it).
// wrangler loads from .dev.vars only the names wrangler.jsonc declares; every documented key
// must reach the Worker. Signatures are made by the providers' own libraries: the `twilio`
// package and Svix's.
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Webhook } from 'svix'
import twilio from 'twilio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, ROOT, readVars, sandbox, writeVars } from '../../scripts/lib/dev-server.mjs'
import { fakeResend } from '../fakes/resend'
import { fakeTwilio } from '../fakes/twilio'
import { until } from '../worker'

const TUNNEL = 'https://cartback-tunnel.example'
const SID = `AC${randomBytes(16).toString('hex')}`
const AUTH_TOKEN = randomBytes(16).toString('hex')
const RESEND_KEY = `re_${randomBytes(12).toString('hex')}`
const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`

let box: { dir: string; remove(): void }
let child: ChildProcess
let output = ''
let base: string
let resendApi: Awaited<ReturnType<typeof fakeResend>>
let twilioApi: Awaited<ReturnType<typeof fakeTwilio>>
let storeId: string
let token: string

beforeAll(async () => {
  resendApi = await fakeResend(RESEND_KEY)
  twilioApi = await fakeTwilio(SID, AUTH_TOKEN)
  box = sandbox()
  // What the README tells a merchant to put in .dev.vars; npm start adds the local secrets.
  writeVars(
    join(box.dir, '.dev.vars'),
    {
      PUBLIC_BASE_URL: TUNNEL,
      RESEND_API_KEY: RESEND_KEY,
      RESEND_BASE_URL: resendApi.url,
      RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET,
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_BASE_URL: twilioApi.url,
    },
    'A merchant trying real providers locally.',
  )
  const port = await freePort()
  base = `http://localhost:${port}`
  child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], {
    cwd: ROOT,
    env: { ...process.env, CARTBACK_DIR: box.dir, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (c) => {
    output += c
  })
  child.stderr?.on('data', (c) => {
    output += c
  })
  storeId = await until(
    'npm start to print the demo store',
    async () => /Demo store id\s+(\S+)/.exec(output)?.[1],
    120_000,
  ).catch((err) => {
    throw new Error(`${err}\n${output}`)
  })
  token = readVars(join(box.dir, '.dev.vars')).ADMIN_API_TOKEN ?? ''
})

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  box?.remove()
  await resendApi?.close()
  await twilioApi?.close()
})

const api = async <T>(path: string, init: RequestInit = {}) => {
  const res = await fetch(`${base}/api/v1${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
  })
  return (await res.json()) as T
}

describe('npm start with a merchant’s .dev.vars', () => {
  it('keeps the merchant’s keys, adds the local secrets, and names the webhook URLs', () => {
    const vars = readVars(join(box.dir, '.dev.vars'))
    expect(vars).toMatchObject({ RESEND_API_KEY: RESEND_KEY, TWILIO_ACCOUNT_SID: SID })
    expect(vars.ADMIN_API_TOKEN).toMatch(/^cb_admin_/)
    // Appended to the merchant's file, which keeps its own lines as written.
    expect(readFileSync(join(box.dir, '.dev.vars'), 'utf8')).toMatch(
      /^# A merchant trying real providers locally\.\nPUBLIC_BASE_URL=/,
    )
    expect(output).toContain(`Twilio inbound webhook      ${TUNNEL}/webhooks/twilio/${storeId}`)
    // Both channels have their provider: nothing announces the dev outbox.
    expect(output).not.toMatch(/dev outbox/)
  })

  it('answers a text signed by the twilio package over the URL the merchant configures', async () => {
    const url = `${TUNNEL}/webhooks/twilio/${storeId}`
    const params = {
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      AccountSid: SID,
      From: '+14155552671',
      To: '+14155550000',
      Body: 'HELP',
      NumMedia: '0',
    }
    const post = (signature: string) =>
      fetch(`${base}/webhooks/twilio/${storeId}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-Twilio-Signature': signature,
        },
        body: new URLSearchParams(params),
      })
    const res = await post(twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/xml/)
    expect(await res.text()).toMatch(/<Response/)
    // Signed over the local address instead of the public one: refused.
    const local = `${base}/webhooks/twilio/${storeId}`
    expect((await post(twilio.getExpectedTwilioSignature(AUTH_TOKEN, local, params))).status).toBe(
      401,
    )
  })

  it('sends email through Resend and accepts its Svix-signed delivery event', async () => {
    const store = await api<{ publishableKey: string }>(`/stores/${storeId}`, {
      method: 'PATCH',
      body: JSON.stringify({ settings: { inactivitySeconds: 1 } }),
    })
    const cart = randomBytes(16).toString('base64url')
    const beacon = (body: object) =>
      fetch(`${base}/v1/events`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: base },
        body: JSON.stringify({ store: store.publishableKey, cart, ...body }),
      })
    const items = [{ id: 'tee', name: 'Ocean Tee', price: 2400, quantity: 1 }]
    expect((await beacon({ type: 'cart', items, currency: 'USD' })).status).toBe(202)
    expect((await beacon({ type: 'contact', contact: { email: 'ada@example.com' } })).status).toBe(
      202,
    )
    type Msg = { id: string; channel: string; provider: string; status: string }
    const messages = () => api<{ messages: Msg[] }>(`/messages?store=${storeId}&cart=${cart}`)
    const sent = await until(
      'the first reminder through Resend',
      async () => (await messages()).messages.find((m) => m.channel === 'email'),
      60_000,
    )
    expect(sent.provider).toBe('resend')
    expect(resendApi.requests.some((r) => r.body.includes('ada@example.com'))).toBe(true)
    const emailId = await until('the Resend id', async () => {
      const row = (await messages()).messages.find((m) => m.id === sent.id) as
        | (Msg & { providerId?: string })
        | undefined
      return row?.status === 'sent' ? row : undefined
    })
    expect(emailId.status).toBe('sent')

    const payload = JSON.stringify({
      type: 'email.delivered',
      created_at: new Date().toISOString(),
      data: { email_id: 're_1' },
    })
    const msgId = `msg_${randomBytes(8).toString('hex')}`
    const stamp = new Date()
    const signature = new Webhook(WEBHOOK_SECRET).sign(msgId, stamp, payload)
    const post = (sig: string) =>
      fetch(`${base}/webhooks/resend`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'svix-id': msgId,
          'svix-timestamp': String(Math.floor(stamp.getTime() / 1000)),
          'svix-signature': sig,
        },
        body: payload,
      })
    const res = await post(signature)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ ok: true, matched: true, status: 'delivered' })
    const other = new Webhook(`whsec_${randomBytes(32).toString('base64')}`)
    expect((await post(other.sign(msgId, stamp, payload))).status).toBe(401)
    const after = (await messages()).messages.find((m) => m.id === sent.id)
    expect(after?.status).toBe('delivered')
    expect(readFileSync(join(box.dir, '.dev.vars'), 'utf8')).toContain(WEBHOOK_SECRET)
  })
})
