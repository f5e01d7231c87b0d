// Shared by the end-to-end tests: a real Worker under `wrangler dev` on a fresh local database.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
// @ts-expect-error plain ESM helper shared with `npm start`
import { applyMigrations, freePort, secret, startDevServer } from '../scripts/lib/dev-server.mjs'
import { twilioSignature } from './twilio-sign'

/** The auth token the end-to-end Worker verifies Twilio's signatures with. */
export const TWILIO_TEST_TOKEN = 'e2e-twilio-auth-token'

export type Worker = {
  url: string
  /** The merchant API with the admin token: status and parsed body. */
  api<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>
  output(): string
  stop(): Promise<void>
  /** The dashboard owner this Worker creates on first login. */
  owner: { email: string; password: string }
}

export async function startWorker(): Promise<Worker> {
  const token = `cb_admin_${secret(16)}`
  const owner = { email: 'owner@example.com', password: secret(12) }
  const persistTo = mkdtempSync(join(tmpdir(), 'cartback-e2e-'))
  applyMigrations({ persistTo })
  const server = await startDevServer({
    port: await freePort(),
    persistTo,
    vars: {
      ADMIN_API_TOKEN: token,
      SIGNING_SECRET: secret(32),
      OWNER_EMAIL: owner.email,
      OWNER_PASSWORD: owner.password,
      // Verifies inbound texts; without an account SID, texts still go to the dev outbox.
      TWILIO_AUTH_TOKEN: TWILIO_TEST_TOKEN,
    },
  })
  return {
    owner,
    url: server.url,
    output: server.output,
    async api<T>(path: string, init: RequestInit = {}) {
      const res = await fetch(`${server.url}/api/v1${path}`, {
        ...init,
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          ...init.headers,
        },
      })
      return { status: res.status, body: (await res.json()) as T }
    },
    async stop() {
      await server.stop()
      rmSync(persistTo, { recursive: true, force: true })
    },
  }
}

/** Polls `probe` until it returns a value; the message names what never came. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 30_000,
  context = '',
): Promise<T> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`timed out waiting for ${what}\n${context}`)
}

/** A text from `from` to the store's webhook, signed as Twilio signs it (end-to-end tests). */
export function textFromShopper(worker: Worker, storeId: string, from: string, body: string) {
  const url = `${worker.url}/webhooks/twilio/${storeId}`
  const params: Record<string, string> = {
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    AccountSid: `AC${randomBytes(16).toString('hex')}`,
    From: from,
    To: '+14155550000',
    Body: body,
    NumMedia: '0',
  }
  return fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': twilioSignature(TWILIO_TEST_TOKEN, url, params),
    },
    body: new URLSearchParams(params),
  })
}
