// The bench's floor fixture. `POST /bare`: parse the JSON, answer 202. `POST /floor`: the same
// plus one Durable Object RPC (the object named by the body's `cart`) that inserts one SQLite row
// and sets an alarm, the least work a one-object-per-cart design does per beacon.
// `POST /alarm-floor` `{ cart, dueAt }`: one object per cart writes one row and sets its alarm at
// `dueAt`; the alarm records when it ran (one SQLite write), the least a cart's abandonment does.
// `GET /alarm-floor/:cart` and `POST /alarm-floor/read` `{ carts }` answer when the alarms ran.
import { DurableObject } from 'cloudflare:workers'
import { Hono } from 'hono'

interface FloorEnv {
  FLOOR: DurableObjectNamespace<FloorObject>
  ALARM_FLOOR: DurableObjectNamespace<AlarmFloorObject>
}

/** When one alarm floor object was due and when its alarm ran (null until it has). */
interface AlarmRun {
  cart: string
  dueAt: number
  ranAt: number | null
}

/** The most carts one `POST /alarm-floor/read` answers. */
const READ_MAX = 500

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

/** One per cart: one row and an alarm at its deadline; the alarm stamps the row with when it ran. */
export class AlarmFloorObject extends DurableObject<FloorEnv> {
  constructor(ctx: DurableObjectState, env: FloorEnv) {
    super(ctx, env)
    // One row per object: the single-row CHECK keeps a re-arm from adding a second.
    ctx.storage.sql.exec(
      'CREATE TABLE IF NOT EXISTS due (id INTEGER PRIMARY KEY CHECK (id = 1), due_at INTEGER NOT NULL, ran_at INTEGER)',
    )
  }

  async arm(dueAt: number): Promise<void> {
    this.ctx.storage.sql.exec(
      'INSERT OR REPLACE INTO due (id, due_at, ran_at) VALUES (1, ?, NULL)',
      dueAt,
    )
    await this.ctx.storage.setAlarm(dueAt)
  }

  /** When this object was due and when its alarm ran; null if it was never armed. */
  ran(): { dueAt: number; ranAt: number | null } | null {
    const row = this.ctx.storage.sql
      .exec<{ due_at: number; ran_at: number | null }>('SELECT due_at, ran_at FROM due')
      .toArray()[0]
    return row ? { dueAt: row.due_at, ranAt: row.ran_at } : null
  }

  override async alarm(): Promise<void> {
    this.ctx.storage.sql.exec('UPDATE due SET ran_at = ? WHERE id = 1', Date.now())
  }
}

const isCart = (v: unknown): v is string => typeof v === 'string' && v !== '' && v.length <= 128

async function ranOf(env: FloorEnv, cart: string): Promise<AlarmRun | null> {
  const run = await env.ALARM_FLOOR.getByName(cart).ran()
  return run ? { cart, ...run } : null
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

app.post('/alarm-floor', async (c) => {
  const body = await c.req.json<{ cart?: unknown; dueAt?: unknown }>().catch(() => null)
  if (!isCart(body?.cart) || !Number.isSafeInteger(body?.dueAt)) {
    return c.json(
      {
        error: {
          code: 'BAD_REQUEST',
          message: 'cart (a string) and dueAt (epoch ms) are required',
        },
      },
      400,
    )
  }
  await c.env.ALARM_FLOOR.getByName(body.cart).arm(body.dueAt as number)
  return c.json({ ok: true }, 202)
})

app.get('/alarm-floor/:cart', async (c) => {
  const cart = c.req.param('cart')
  if (!isCart(cart)) {
    return c.json({ error: { code: 'BAD_REQUEST', message: 'cart is too long' } }, 400)
  }
  const run = await ranOf(c.env, cart)
  if (!run) return c.json({ error: { code: 'NOT_FOUND', message: 'no such cart' } }, 404)
  return c.json(run)
})

app.post('/alarm-floor/read', async (c) => {
  const body = await c.req.json<{ carts?: unknown }>().catch(() => null)
  const carts = body?.carts
  if (!Array.isArray(carts) || carts.length > READ_MAX || !carts.every(isCart)) {
    return c.json(
      { error: { code: 'BAD_REQUEST', message: `carts must be up to ${READ_MAX} cart ids` } },
      400,
    )
  }
  const runs = await Promise.all(carts.map((cart) => ranOf(c.env, cart)))
  return c.json({ carts: runs.filter((r) => r !== null) })
})

export default app
