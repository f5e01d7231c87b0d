// Runs the Worker locally with wrangler (offline), for `npm start` and the end-to-end tests.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js')
/**
 * The wrangler.jsonc environment for local runs. The top level of wrangler.jsonc is production
 * (a plain `wrangler deploy`); development is asked for by name, here and nowhere else.
 */
export const DEV_ENV = 'development'
// Offline: no metrics, and no fetch of the Request.cf placeholder from Cloudflare.
const ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  NO_COLOR: '1',
}

/** A random secret of `bytes` bytes, base64url. */
export function secret(bytes = 32) {
  return randomBytes(bytes).toString('base64url')
}

/** A free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/** Reads KEY=value lines (the .dev.vars format). */
export function readVars(path) {
  if (!existsSync(path)) return {}
  const vars = {}
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/.exec(line)
    if (m) vars[m[1]] = m[2]
  }
  return vars
}

/** Writes KEY="value" lines (the .dev.vars format), readable by the owner only. */
export function writeVars(path, vars, header) {
  const body = Object.entries(vars)
    .map(([k, v]) => `${k}="${v}"`)
    .join('\n')
  writeFileSync(path, `# ${header}\n${body}\n`, { mode: 0o600 })
}

/**
 * Writes `.dev.vars` with random values for every local secret that is missing; keeps every
 * other line's key (a merchant's own RESEND_API_KEY, TWILIO_ACCOUNT_SID, PUBLIC_BASE_URL…).
 */
export function ensureDevVars(path = join(ROOT, '.dev.vars')) {
  const vars = readVars(path)
  const wanted = {
    ADMIN_API_TOKEN: () => `cb_admin_${secret(24)}`,
    SIGNING_SECRET: () => secret(32),
    OWNER_EMAIL: () => 'owner@cartback.local',
    OWNER_PASSWORD: () => secret(12),
    // Verifies inbound texts, so that a local test can sign them exactly as Twilio does.
    TWILIO_AUTH_TOKEN: () => secret(24),
    // Verifies Resend's (Svix-signed) events, for the same reason.
    RESEND_WEBHOOK_SECRET: () => `whsec_${randomBytes(32).toString('base64')}`,
  }
  const added = []
  for (const [key, make] of Object.entries(wanted)) {
    if (!vars[key]) {
      vars[key] = make()
      added.push(key)
    }
  }
  if (added.length > 0) {
    const header = 'Local secrets for wrangler dev (git-ignored). Created by npm start.'
    if (existsSync(path)) {
      // Keep the merchant's own lines as written (comments, quoting); append what is missing.
      const lines = added.map((k) => `${k}="${vars[k]}"`).join('\n')
      const before = readFileSync(path, 'utf8')
      writeFileSync(path, `${before}${before.endsWith('\n') ? '' : '\n'}${lines}\n`, {
        mode: 0o600,
      })
    } else writeVars(path, vars, header)
  }
  return { vars, added }
}

/**
 * A throwaway folder laid out like this checkout for `wrangler dev`: a byte copy of the shipped
 * wrangler.jsonc, links to the code, and a `.dev.vars` of its own, so that tests and the bench
 * start the Worker exactly as `npm start` does (secrets read from .dev.vars, never --var)
 * without touching a developer's .dev.vars or local data.
 */
export function sandbox(devVars) {
  const dir = mkdtempSync(join(tmpdir(), 'cartback-'))
  copyFileSync(join(ROOT, 'wrangler.jsonc'), join(dir, 'wrangler.jsonc'))
  for (const name of [
    'src',
    'scripts',
    'migrations',
    'node_modules',
    'package.json',
    'tsconfig.json',
  ]) {
    symlinkSync(join(ROOT, name), join(dir, name))
  }
  if (devVars) writeVars(join(dir, '.dev.vars'), devVars, 'Written by a test or the bench.')
  return {
    dir,
    persistTo: join(dir, '.wrangler', 'state'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }
}

/**
 * Applies the D1 migrations to the local database (`wrangler d1 migrations apply --local`) of
 * the checkout (or sandbox) in `dir`, for the wrangler environment `env` (null: the top level).
 */
export function applyMigrations({ dir = ROOT, persistTo, env = DEV_ENV } = {}) {
  const args = [WRANGLER, 'd1', 'migrations', 'apply', 'DB', '--local']
  args.push('--config', join(dir, 'wrangler.jsonc'))
  if (env) args.push('--env', env)
  if (persistTo) args.push('--persist-to', persistTo)
  const res = spawnSync(process.execPath, args, { cwd: dir, env: ENV, encoding: 'utf8' })
  if (res.status !== 0) {
    throw new Error(`d1 migrations apply failed:\n${res.stdout}\n${res.stderr}`)
  }
}

/**
 * Starts `wrangler dev` on loopback for the checkout (or sandbox) in `dir` and resolves once
 * /healthz answers (any answer, when `ready` is 'any': a production config without provider keys
 * answers 500 everywhere). Secrets come from `dir`/.dev.vars, as under `npm start`. `env` is the
 * wrangler environment: development by default, null for the config's top level (production).
 */
export async function startDevServer({
  port,
  dir = ROOT,
  env = DEV_ENV,
  persistTo,
  ready = 'ok',
  log = () => {},
  inspectorPort,
}) {
  // --local: remote bindings off. The AI binding only exists remotely; offline, the rule-based
  // responder answers texts instead (AI_PROVIDER defaults to "local" outside production).
  const args = [WRANGLER, 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port)]
  args.push('--config', join(dir, 'wrangler.jsonc'))
  if (env) args.push('--env', env)
  args.push('--show-interactive-dev-session=false', '--log-level', 'warn')
  if (persistTo) args.push('--persist-to', persistTo)
  // The Worker's DevTools endpoint (a CPU profile: scripts/bench/profile.mjs).
  if (inspectorPort) args.push('--inspector-port', String(inspectorPort))
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const collect = (chunk) => {
    output += chunk
    log(String(chunk))
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited:\n${output}`)
    try {
      const res = await fetch(`${url}/healthz`)
      if (res.ok || ready === 'any') break
    } catch {}
    await new Promise((r) => setTimeout(r, 250))
  }
  if (Date.now() >= deadline) {
    child.kill('SIGTERM')
    throw new Error(`wrangler dev did not start within 90 s:\n${output}`)
  }
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 5000).unref()
    })
  return { url, child, stop, output: () => output }
}
