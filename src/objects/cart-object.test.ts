import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { age, beacon, buildTables, cartId, ITEMS, tablesIn } from '#test/carts'
import { createStore, waitForRow } from '#test/helpers'
import { createAdapters } from '../adapters'
import { eraseCartRows, writeCartReports } from '../db/projection'
import { cartReport } from '../domain/cart/report'
import type { CartObject } from './cart-object'
import { CART_MIGRATIONS } from './cart-storage'
import { JOURNAL_KEEP_FIRST, JOURNAL_KEEP_LAST, JOURNAL_TAIL_MAX } from './journal'
import { RETRY_BASE_MS } from './outbox'
import { cartStub } from './stubs'

async function newCartIn(settings: Record<string, number> = {}) {
  const store = await createStore({
    settings: { inactivitySeconds: 60, attributionWindowSeconds: 3600, ...settings },
  })
  const id = cartId()
  const res = await beacon({ store: store.publishableKey, cart: id, type: 'cart', items: ITEMS })
  expect(res.status).toBe(202)
  return { store, id, stub: cartStub(env.CART, { storeId: store.id, cartId: id }) }
}

const alarmOf = (stub: DurableObjectStub<CartObject>) =>
  runInDurableObject(stub, (_o, s) => s.storage.getAlarm())

/** Sets the object's clock to `at` (until it restarts): time passes without a sleep. */
const clockAt = (stub: DurableObjectStub<CartObject>, at: number) =>
  runInDurableObject(stub, (o: CartObject) => {
    o.clock = () => at
  })

describe('CartObject alarm', () => {
  it('treats an early alarm as a no-op and keeps the inactivity deadline armed', async () => {
    const { stub } = await newCartIn()
    const before = (await stub.snapshot())!.state
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    const after = (await stub.snapshot())!.state
    expect(after.status).toBe('active')
    expect(after.revision).toBe(before.revision)
    expect(await alarmOf(stub)).toBe(before.lastActivityAt + 60_000)
  })

  it("writes a new cart's alarm once, at its wake time: the report is published with no row", async () => {
    const store = await createStore({ settings: { inactivitySeconds: 60 } })
    const id = cartId()
    const stub = cartStub(env.CART, { storeId: store.id, cartId: id })
    const written: number[] = []
    await runInDurableObject(stub, (_o, s) => {
      const set = s.storage.setAlarm.bind(s.storage)
      Object.assign(s.storage, {
        setAlarm: (at: number) => {
          written.push(at)
          return set(at)
        },
      })
    })
    await beacon({ store: store.publishableKey, cart: id, type: 'cart', items: ITEMS })
    const s = (await stub.snapshot())!.state
    // The beacon is answered first; its report goes right after, from the state.
    await waitForRow(
      'SELECT 1 FROM carts WHERE store_id = ? AND cart_id = ? AND revision = ?',
      store.id,
      id,
      s.revision,
    )
    // No report row, nor any table: a new cart writes its state and policy, and its alarm.
    expect(await tablesIn(stub)).toEqual([])
    expect(written).toEqual([s.lastActivityAt + 60_000])
    expect(await alarmOf(stub)).toBe(s.lastActivityAt + 60_000)
  })

  it('abandons the cart when the alarm fires at the inactivity timeout, then arms the attribution deadline', async () => {
    const { store, id, stub } = await newCartIn({ inactivitySeconds: 1 })
    const created = (await stub.snapshot())!.state
    await clockAt(stub, created.lastActivityAt + 1100)
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    const snap = (await stub.snapshot())!
    expect(snap.state.status).toBe('abandoned')
    // Noticed when the alarm ran; the deadline is kept beside it and the window counts from it.
    expect(snap.state.abandonedAt).toBe(created.lastActivityAt + 1100)
    expect(snap.state.abandonDueAt).toBe(created.lastActivityAt + 1000)
    expect(snap.journal.slice(-2).map((j) => j.type)).toEqual([
      'cart.abandoned',
      'sequence.started',
    ])
    expect(await alarmOf(stub)).toBe(created.lastActivityAt + 1000 + 3600_000)
    const row = await waitForRow<{ status: string; abandoned_at: number; abandon_due_at: number }>(
      "SELECT status, abandoned_at, abandon_due_at FROM carts WHERE store_id = ? AND cart_id = ? AND status = 'abandoned'",
      store.id,
      id,
    )
    expect(row).toEqual({
      status: 'abandoned',
      abandoned_at: created.lastActivityAt + 1100,
      abandon_due_at: created.lastActivityAt + 1000,
    })
  })

  it('changes nothing when the same alarm fires twice', async () => {
    const { stub } = await newCartIn({ inactivitySeconds: 1 })
    await clockAt(stub, (await stub.snapshot())!.state.lastActivityAt + 1100)
    await runDurableObjectAlarm(stub)
    const once = (await stub.snapshot())!
    await runInDurableObject(stub, (o: CartObject) => o.alarm())
    const twice = (await stub.snapshot())!
    expect(twice.state).toEqual(once.state)
    expect(twice.journal).toHaveLength(once.journal.length)
  })

  it('marks the cart lost once the attribution window has passed; its report gets a backstop wake', async () => {
    const { store, id, stub } = await newCartIn({ attributionWindowSeconds: 60 })
    await age(stub, 200_000)
    const from = Date.now()
    await runInDurableObject(stub, (o: CartObject) => o.alarm())
    const s = (await stub.snapshot())!.state
    expect(s.status).toBe('lost')
    expect(s.lostAt).toBe((s.abandonDueAt ?? 0) + 60_000)
    // The machine wants no wake, but the commit owed a report: a crash before it went must not
    // lose it, so an alarm a few seconds out is its backstop (written before the publish).
    const backstop = await alarmOf(stub)
    expect(backstop).toBeGreaterThanOrEqual(from + RETRY_BASE_MS)
    expect(backstop).toBeLessThanOrEqual(Date.now() + RETRY_BASE_MS)
    await waitForRow(
      "SELECT 1 FROM carts WHERE store_id = ? AND cart_id = ? AND status = 'lost'",
      store.id,
      id,
    )
    // The backstop fires, finds the report published and nothing due: it writes nothing more.
    await runDurableObjectAlarm(stub)
    expect((await stub.snapshot())!.state).toEqual(s)
    expect(await alarmOf(stub)).toBeNull()
  })

  it('keeps a report whose send failed and retries it from the alarm', async () => {
    const { store, id, stub } = await newCartIn()
    // The Queue binding is the network here: make it fail, as an outage would.
    await runInDurableObject(stub, (o: CartObject) => {
      const down = { send: () => Promise.reject(new Error('queue down')) } as unknown as Queue
      Object.assign(o, { adapters: createAdapters({ ...env, REPORTS: down }) })
    })
    await beacon({
      store: store.publishableKey,
      cart: id,
      type: 'contact',
      contact: { email: 'retry@example.com' },
    })
    // The beacon is answered first; the send it failed is recorded right after.
    await vi.waitFor(async () => {
      const pending = await runInDurableObject(stub, (_o, s) =>
        s.storage.sql.exec<{ attempts: number }>('SELECT attempts FROM outbox').toArray(),
      )
      expect(pending).toEqual([{ attempts: 1 }])
    })
    const alarm = await alarmOf(stub)
    expect(alarm).not.toBeNull()
    expect(alarm!).toBeLessThan(Date.now() + 60_000)
    await runInDurableObject(stub, (o: CartObject) => {
      Object.assign(o, { adapters: createAdapters(env) })
    })
    await runInDurableObject(stub, (_o, s) => s.storage.sql.exec('UPDATE outbox SET next_at = 0'))
    await runDurableObjectAlarm(stub)
    const left = await runInDurableObject(stub, (_o, s) =>
      s.storage.sql.exec('SELECT id, state, attempts, last_error FROM outbox').toArray(),
    )
    expect(left).toEqual([{ id: 'report', state: 'sent', attempts: 0, last_error: null }])
    const row = await waitForRow<{ email: string }>(
      'SELECT email FROM carts WHERE store_id = ? AND cart_id = ? AND email IS NOT NULL',
      store.id,
      id,
    )
    expect(row.email).toBe('retry@example.com')
  })

  it('records its storage layout version with the tables, once they are built', async () => {
    const { stub } = await newCartIn()
    const version = () => runInDurableObject(stub, (_o, s) => s.storage.kv.get('schemaVersion'))
    expect(await version()).toBeUndefined()
    await buildTables(stub)
    expect(await version()).toBe(CART_MIGRATIONS.length)
  })

  it('takes a message left `sending` by the v2 layout as mid-call: never resent to Twilio', async () => {
    const { stub } = await newCartIn()
    await buildTables(stub)
    await runInDurableObject(stub, (_o, s) => {
      s.storage.sql.exec(
        `INSERT INTO outbox (id, kind, body, state, attempts, next_at) VALUES
           ('a', 'message', '{}', 'sending', 0, 0), ('b', 'message', '{}', 'pending', 0, 0)`,
      )
      s.storage.kv.put('schemaVersion', 2)
    })
    await evictDurableObject(stub)
    const after = await runInDurableObject(stub, (_o, s) => ({
      rows: s.storage.sql
        .exec("SELECT id, state FROM outbox WHERE kind = 'message' ORDER BY id")
        .toArray(),
      version: s.storage.kv.get('schemaVersion'),
    }))
    expect(after).toEqual({
      rows: [
        { id: 'a', state: 'calling' },
        { id: 'b', state: 'pending' },
      ],
      version: CART_MIGRATIONS.length,
    })
  })
})

describe('CartObject journal', () => {
  /** Drives `n` journalled events (texts from the shopper) straight into the object. */
  const drive = (stub: DurableObjectStub<CartObject>, from: number, n: number) =>
    runInDurableObject(stub, async (o: CartObject, s) => {
      for (let i = from; i < from + n; i++) await o.replied('question', { n: i })
      const { rows, entries } = s.storage.sql
        .exec<{ rows: number; entries: number }>(
          'SELECT COUNT(*) AS rows, SUM(json_array_length(entry)) AS entries FROM journal',
        )
        .one()
      return { rows, entries, bytes: s.storage.sql.databaseSize }
    })

  it('caps what it stores, on every chunk: the first entries, the latest, and a count between', async () => {
    const { stub } = await newCartIn()
    const cap = JOURNAL_KEEP_FIRST + JOURNAL_KEEP_LAST
    const chunk = JOURNAL_TAIL_MAX + 1
    const first = await drive(stub, 0, 1000)
    // Whole chunks are dropped: at most one chunk's entries (less one) above the cap stay.
    expect(first.entries).toBeGreaterThanOrEqual(cap)
    expect(first.entries).toBeLessThan(cap + chunk)
    expect(first.rows).toBeLessThanOrEqual(Math.ceil(cap / chunk) + 1)
    const later = await drive(stub, 1000, 2000)
    expect(later.entries).toBeLessThan(cap + chunk)
    expect(later.rows).toBeLessThanOrEqual(Math.ceil(cap / chunk) + 1)
    // Deleted rows' pages are reused: three times the events, no more storage (a page of slack).
    expect(later.bytes).toBeLessThanOrEqual(first.bytes + 4096)
    const { journal } = (await stub.snapshot())!
    // cart.created, cart.updated, then the first texts; the marker; then the latest texts.
    expect(journal).toHaveLength(cap + 1)
    expect(journal[0]?.type).toBe('cart.created')
    expect(journal[JOURNAL_KEEP_FIRST - 1]?.n).toBe(JOURNAL_KEEP_FIRST - 3)
    expect(journal[JOURNAL_KEEP_FIRST]).toMatchObject({
      type: 'journal.trimmed',
      count: 3002 - cap,
    })
    expect(journal.at(-1)?.n).toBe(2999)
    expect(journal[JOURNAL_KEEP_FIRST + 1]?.n).toBe(3000 - JOURNAL_KEEP_LAST)
  })

  it('stores an oversized entry as its type, time and source only', async () => {
    const { stub } = await newCartIn()
    await runInDurableObject(stub, (o: CartObject) =>
      o.replied('question', { text: 'x'.repeat(10_000) }),
    )
    const last = (await stub.snapshot())!.journal.at(-1)!
    expect(last).toEqual({ at: last.at, type: 'sms.question', source: 'shopper', truncated: true })
  })
})

describe('CartObject erase', () => {
  it('erases everything and a late report cannot bring the cart back', async () => {
    const { store, id, stub } = await newCartIn()
    const old = cartReport((await stub.snapshot())!.state)
    await waitForRow('SELECT 1 FROM carts WHERE store_id = ? AND cart_id = ?', store.id, id)
    const erased = (await stub.erase()) as { revision: number }
    expect(erased).toEqual({ revision: old.revision })
    expect(await stub.snapshot()).toBeNull()
    expect(await alarmOf(stub)).toBeNull()
    await eraseCartRows(env.DB, store.id, id, erased.revision)
    await writeCartReports(env.DB, [old])
    const row = await env.DB.prepare('SELECT 1 FROM carts WHERE store_id = ? AND cart_id = ?')
      .bind(store.id, id)
      .first()
    expect(row).toBeNull()
  })

  it('starts a reused cart id above the erased revision so its reports land', async () => {
    const { store, id, stub } = await newCartIn()
    const erased = (await stub.erase()) as { revision: number }
    await beacon({ store: store.publishableKey, cart: id, type: 'cart', items: ITEMS })
    const again = (await stub.snapshot())!.state
    expect(again.revision).toBe(erased.revision + 1)
    await writeCartReports(env.DB, [cartReport(again)])
    const row = await env.DB.prepare(
      'SELECT revision FROM carts WHERE store_id = ? AND cart_id = ?',
    )
      .bind(store.id, id)
      .first<{ revision: number }>()
    expect(row?.revision).toBe(again.revision)
  })
})
