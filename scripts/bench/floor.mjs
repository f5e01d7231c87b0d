// Starts the floor fixture (bench/floor: the bare Worker and the per-cart floor) under the same
// `wrangler dev --local` as Cartback, with a throwaway local state of its own.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, ROOT, startDevServer } from '../lib/dev-server.mjs'

export async function startFloor() {
  const persistTo = mkdtempSync(join(tmpdir(), 'cartback-floor-'))
  const server = await startDevServer({
    port: await freePort(),
    dir: join(ROOT, 'bench', 'floor'),
    env: null,
    persistTo,
  })
  return {
    url: server.url,
    async stop() {
      await server.stop()
      rmSync(persistTo, { recursive: true, force: true })
    },
  }
}

/** Starts servers side by side; if one fails to start, stops the others and throws. */
export async function startAll(starts) {
  const settled = await Promise.allSettled(starts)
  const failed = settled.find((s) => s.status === 'rejected')
  if (!failed) return settled.map((s) => s.value)
  await Promise.all(settled.filter((s) => s.status === 'fulfilled').map((s) => s.value.stop()))
  throw failed.reason
}
