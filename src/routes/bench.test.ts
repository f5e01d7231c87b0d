// Bench mode `counters` (src/bench-mode.ts): off unless asked for, and counting through the real
// bindings when on.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { call } from '#test/helpers'
import { benchEnv } from '../bench-mode'
import { type BenchCounters, readCounters } from '../lib/bench-counters'
import worker from '../worker'

const counting = { ...env, BENCH_MODE: 'counters' } as Env

async function fetchCounters(e: Env) {
  const ctx = createExecutionContext()
  const res = await worker.fetch(new Request('http://bench.test/__bench/counters'), e, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

describe('bench counters', () => {
  it('are no route, and wrap nothing, unless BENCH_MODE has `counters`', async () => {
    const res = await call('/__bench/counters')
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } })
    expect(benchEnv(env)).toBe(env)
    expect((await fetchCounters({ ...env, BENCH_MODE: 'no-rate-limit' } as Env)).status).toBe(404)
  })

  it('count D1 rows and object calls through the bindings, and answer the tally', async () => {
    const e = benchEnv(counting)
    expect(benchEnv(counting)).toBe(e)
    const before = readCounters()
    await e.DB.prepare('CREATE TABLE IF NOT EXISTS bench_probe (id TEXT)').run()
    await e.DB.prepare("INSERT INTO bench_probe (id) VALUES ('a'), ('b')").run()
    const row = await e.DB.prepare('SELECT COUNT(*) AS n FROM bench_probe').first<{ n: number }>()
    await e.CART.getByName('bench:probe').snapshot()
    const res = await fetchCounters(counting)
    expect(res.status).toBe(200)
    const after = (await res.json()) as BenchCounters
    expect(row?.n).toBe(2)
    expect(after.d1RowsWritten - before.d1RowsWritten).toBeGreaterThanOrEqual(2)
    expect(
      after.d1WritesBy["INSERT INTO bench_probe (id) VALUES ('a'), ('b')"],
    ).toBeGreaterThanOrEqual(2)
    expect(after.doRequests - before.doRequests).toBe(1)
    // The bench's own read of the tally is not a request of the product.
    expect(after.workerRequests).toBe(before.workerRequests)
  })
})
