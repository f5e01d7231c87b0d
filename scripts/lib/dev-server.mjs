// Runs the Worker locally with wrangler (offline), for `npm start` and the end-to-end tests.
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const WRANGLER = join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js')
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

/** Writes `.dev.vars` with random values for every local secret that is missing. */
export function ensureDevVars(path = join(ROOT, '.dev.vars')) {
  const vars = readVars(path)
  const wanted = {
    ADMIN_API_TOKEN: () => `cb_admin_${secret(24)}`,
    SIGNING_SECRET: () => secret(32),
    OWNER_EMAIL: () => 'owner@cartback.local',
    OWNER_PASSWORD: () => secret(12),
    TWILIO_AUTH_TOKEN: () => secret(24),
  }
  const added = []
  for (const [key, make] of Object.entries(wanted)) {
    if (!vars[key]) {
      vars[key] = make()
      added.push(key)
    }
  }
  if (added.length > 0) {
    const body = Object.entries(vars)
      .map(([k, v]) => `${k}="${v}"`)
      .join('\n')
    writeFileSync(
      path,
      `# Local secrets for wrangler dev (git-ignored). Created by npm start.\n${body}\n`,
      {
        mode: 0o600,
      },
    )
  }
  return { vars, added }
}

/** Applies the D1 migrations to the local database (`wrangler d1 migrations apply --local`). */
export function applyMigrations({ persistTo } = {}) {
  const args = [WRANGLER, 'd1', 'migrations', 'apply', 'DB', '--local']
  if (persistTo) args.push('--persist-to', persistTo)
  const res = spawnSync(process.execPath, args, { cwd: ROOT, env: ENV, encoding: 'utf8' })
  if (res.status !== 0) {
    throw new Error(`d1 migrations apply failed:\n${res.stdout}\n${res.stderr}`)
  }
}

/**
 * Starts `wrangler dev` on loopback and resolves once /healthz answers. `vars` are passed with
 * --var (tests) or come from .dev.vars (npm start).
 */
export async function startDevServer({ port, persistTo, vars = {}, log = () => {} }) {
  // --local: remote bindings off. The AI binding only exists remotely; offline, the rule-based
  // responder answers texts instead (AI_PROVIDER defaults to "local" outside production).
  const args = [WRANGLER, 'dev', '--local', '--ip', '127.0.0.1', '--port', String(port)]
  args.push('--show-interactive-dev-session=false', '--log-level', 'warn')
  if (persistTo) args.push('--persist-to', persistTo)
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`)
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
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
      if (res.ok) break
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
