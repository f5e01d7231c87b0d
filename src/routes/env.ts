import type { Config } from '../config'

/** Hono environment shared by every route group. */
export type AppEnv = {
  Bindings: Env
  Variables: { requestId: string; config: Config }
}
