// The bench's floor fixture. `POST /bare`: parse the JSON, answer 202. `POST /floor`: the same
// plus one Durable Object RPC (the object named by the body's `cart`) that inserts one SQLite row
// and sets an alarm, the least work a one-object-per-cart design does per beacon.
import { DurableObject } from 'cloudflare:workers'
import { Hono } from 'hono'

interface FloorEnv {
  FLOOR: DurableObjectNamespace<FloorObject>
}

/** One per cart: one row and one alarm per call; the alarm does nothing. */
export class FloorObject extends DurableObject<FloorEnv> {
  constructor(ctx: DurableObjectState, env: FloorEnv) {
    super(ctx, env)
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL)',
    )
  }

  async record(body: string): Promise<void> {
    const at = Date.now()
    this.ctx.storage.sql.exec('INSERT INTO events (at, body) VALUES (?, ?)', at, body)
    await this.ctx.storage.setAlarm(at + 60 * 60 * 1000)
  }

  override async alarm(): Promise<void> {}
}

const app = new Hono<{ Bindings: FloorEnv }>()

app.get('/healthz', (c) => c.text('ok'))

app.post('/bare', async (c) => {
  await c.req.json()
  return c.json({ ok: true }, 202)
})

app.post('/floor', async (c) => {
  const body = await c.req.json<{ cart?: unknown }>()
  if (typeof body.cart !== 'string' || body.cart === '') {
    return c.json({ error: { code: 'BAD_REQUEST', message: 'cart is required' } }, 400)
  }
  await c.env.FLOOR.getByName(body.cart).record(JSON.stringify(body))
  return c.json({ ok: true }, 202)
})

export default app
