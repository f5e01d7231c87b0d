// One Cartback for one part of the bench, started as `npm start` starts it (the shipped
// wrangler.jsonc's development environment under `wrangler dev --local`, secrets from its own
// .dev.vars, a fresh local database with the migrations applied). Each part gets its own, so one
// part's objects, rows and memory never weigh on another's figures.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { applyMigrations, freePort, sandbox, secret, startDevServer } from '../lib/dev-server.mjs'

export const SHOP = 'https://bench.example'

/**
 * Starts Cartback. `vars` are extra .dev.vars lines (they must be names wrangler.jsonc's
 * `secrets` lists, or wrangler drops them). `inspectorPort` opens the Worker's DevTools endpoint.
 * Returns the server, the admin API and helpers.
 */
export async function startCartback(vars = {}, { inspectorPort } = {}) {
  const token = `cb_admin_${secret(16)}`
  const twilioToken = secret(16)
  const box = sandbox({
    ADMIN_API_TOKEN: token,
    SIGNING_SECRET: secret(32),
    OWNER_EMAIL: 'bench@example.com',
    OWNER_PASSWORD: secret(8),
    TWILIO_AUTH_TOKEN: twilioToken,
    ...vars,
  })
  applyMigrations({ dir: box.dir, persistTo: box.persistTo })
  const server = await startDevServer({
    port: await freePort(),
    dir: box.dir,
    persistTo: box.persistTo,
    inspectorPort,
  })
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }
  /** The merchant API with the admin token; throws on a non-2xx answer. */
  async function api(path, init = {}) {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      ...init,
      headers: { ...headers, ...init.headers },
    })
    const body = res.status === 204 ? null : await res.json()
    if (!res.ok)
      throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${JSON.stringify(body)}`)
    return body
  }
  return {
    url: server.url,
    token,
    twilioToken,
    api,
    /** Creates a store that allows the bench shop's origin; `settings` as in PATCH. */
    createStore(name, settings = {}) {
      return api('/stores', {
        method: 'POST',
        body: JSON.stringify({
          name,
          url: `${SHOP}/`,
          currency: 'USD',
          allowedOrigins: [SHOP],
          settings,
        }),
      })
    },
    /** Resident memory of the workerd processes under this wrangler dev, in MB. */
    memoryMb() {
      return workerdMemoryMb(server.child.pid)
    },
    output: server.output,
    async stop() {
      await server.stop()
      box.remove()
    },
  }
}

/** Resident memory of the workerd processes under the process `root` (a wrangler dev), in MB. */
export function workerdMemoryMb(root) {
  return workerdPids(root).reduce((sum, pid) => sum + rssMb(pid), 0)
}

function workerdPids(root) {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' })
  const rows = out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .map(([pid, ppid, comm]) => ({ pid: Number(pid), ppid: Number(ppid), comm }))
  const tree = new Set([root])
  for (let grew = true; grew; ) {
    grew = false
    for (const r of rows)
      if (tree.has(r.ppid) && !tree.has(r.pid)) {
        tree.add(r.pid)
        grew = true
      }
  }
  return rows.filter((r) => tree.has(r.pid) && r.comm.startsWith('workerd')).map((r) => r.pid)
}

function rssMb(pid) {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb ? Number(kb) / 1024 : 0
  } catch {
    return 0
  }
}
