// Shared by the end-to-end tests: a real Worker under `wrangler dev` on a fresh local database.
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import twilio from 'twilio'
import {
  applyMigrations,
  freePort,
  sandbox,
  secret,
  startDevServer,
} from '../scripts/lib/dev-server.mjs'

/** The auth token the end-to-end Worker verifies Twilio's signatures with. */
export const TWILIO_TEST_TOKEN = 'e2e-twilio-auth-token'

export type Worker = {
  url: string
  /** The merchant API with the admin token: status and parsed body. */
  api<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>
  output(): string
  stop(): Promise<void>
  /**
   * `kill -9` of wrangler and the workerd it runs (no shutdown of any kind), then the Worker
   * again on the same local state and a new port (`url` follows).
   */
  crashAndRestart(): Promise<void>
  /** The dashboard owner this Worker creates on first login. */
  owner: { email: string; password: string }
}

/**
 * Starts the Worker as `npm start` does: the development environment of the shipped
 * wrangler.jsonc, secrets read by wrangler from a `.dev.vars` (in a sandbox folder, so that a
 * developer's own stays untouched), a fresh local database with the migrations applied.
 */
export async function startWorker(extraVars: Record<string, string> = {}): Promise<Worker> {
  const token = `cb_admin_${secret(16)}`
  const owner = { email: 'owner@example.com', password: secret(12) }
  const box = sandbox({
    ADMIN_API_TOKEN: token,
    SIGNING_SECRET: secret(32),
    OWNER_EMAIL: owner.email,
    OWNER_PASSWORD: owner.password,
    // Verifies inbound texts; without an account SID, texts still go to the dev outbox.
    TWILIO_AUTH_TOKEN: TWILIO_TEST_TOKEN,
    ...extraVars,
  })
  applyMigrations({ dir: box.dir, persistTo: box.persistTo })
  const start = async () =>
    startDevServer({ port: await freePort(), dir: box.dir, persistTo: box.persistTo })
  let server = await start()
  let earlier = ''
  return {
    owner,
    get url() {
      return server.url
    },
    output: () => earlier + server.output(),
    async crashAndRestart() {
      killTree(server.child.pid)
      await new Promise((r) => setTimeout(r, 500))
      earlier += `${server.output()}\n--- kill -9 ---\n`
      server = await start()
    },
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
      box.remove()
    },
  }
}

/** The processes whose parent is `pid`, from /proc (field 4 of `stat` is the parent). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid
      } catch {
        return false
      }
    })
    .map(Number)
}

/** SIGKILL to a process and every process under it, deepest first (workerd under wrangler). */
function killTree(pid: number | undefined) {
  if (pid === undefined) return
  for (const c of childrenOf(pid)) killTree(c)
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // Already gone.
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

/** A text from `from` to the store's webhook, signed by the official `twilio` package. */
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
      'X-Twilio-Signature': twilio.getExpectedTwilioSignature(TWILIO_TEST_TOKEN, url, params),
    },
    body: new URLSearchParams(params),
  })
}
