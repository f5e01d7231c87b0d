// Starts the floor fixture (bench/floor: the bare Worker and the per-cart floor) under the same
// `wrangler dev --local` as Cartback, with a throwaway local state of its own.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, ROOT, startDevServer } from '../lib/dev-server.mjs'
import { workerdMemoryMb } from './cartback.mjs'

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
    /** Resident memory of this wrangler dev's workerd processes, in MB. */
    memoryMb: () => workerdMemoryMb(server.child.pid),
    async stop() {
      await server.stop()
      rmSync(persistTo, { recursive: true, force: true })
    },
  }
}

/**
 * Starts servers (each `start` a function that starts one) to run side by side, one after another:
 * wranglers started at the same moment can pick the same internal port. A start that meets a
 * taken port is tried once more. If one fails, stops the others and throws.
 */
export async function startAll(starts) {
  const started = []
  try {
    for (const start of starts) {
      started.push(
        await start().catch((err) => {
          if (!/Address already in use/.test(String(err))) throw err
          return start()
        }),
      )
    }
    return started
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()))
    throw err
  }
}
