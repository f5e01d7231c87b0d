/**
 * Bench mode (`BENCH_MODE`, refused in production by src/config.ts). With `counters`, the
 * Worker and its objects run on counting bindings (src/lib/bench-counters.ts) and
 * `GET /__bench/counters` answers the tally. Without it nothing is wrapped: production never
 * sets the variable, so the check is one property read.
 */
import { getConfig } from './config'
import { countAlarms, countedEnv, countStorage } from './lib/bench-counters'

/** Whether this deployment counts billable operations. */
export function counting(env: Env): boolean {
  if (!env.BENCH_MODE) return false
  return getConfig(env).BENCH_MODE.has('counters')
}

const counted = new WeakMap<Env, Env>()

/** The env the Worker and its objects use: counting bindings in bench mode, else `env` itself. */
export function benchEnv(env: Env): Env {
  if (!counting(env)) return env
  let out = counted.get(env)
  if (!out) {
    out = countedEnv(env)
    counted.set(env, out)
  }
  return out
}

/** In bench mode, counts an object's storage rows and its alarms; call from its constructor. */
export function benchObject(object: object, ctx: DurableObjectState, env: Env): void {
  if (!counting(env)) return
  countStorage(ctx.storage)
  countAlarms(object)
}
