// The cart's report published from its state (no outbox row in the normal case) and its alarm
// never moved later, over a real cart object: beacons through the Worker, the Queue consumer
// writing D1, alarms run by the runtime. Writes are counted by wrapping the object's storage.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { beacon, cartId, ITEMS } from '#test/carts'
import { createStore, waitForRow } from '#test/helpers'
import { createAdapters } from '../adapters'
import type { CartObject } from './cart-object'
import type { CartReports, StoredState } from './cart-reports'
import { JOURNAL_TAIL_MAX } from './journal'
import { RETRY_BASE_MS } from './outbox'
import { cartStub } from './stubs'

type Stub = DurableObjectStub<CartObject>

async function newCart() {
  const store = await createStore({ settings: { inactivitySeconds: 60 } })
  const id = cartId()
  const send = (extra: Record<string, unknown> = {}) =>
    beacon({ store: store.publishableKey, cart: id, type: 'cart', items: ITEMS, ...extra })
  expect((await send()).status).toBe(202)
  const stub = cartStub(env.CART, { storeId: store.id, cartId: id })
  const landed = (revision: number) =>
    waitForRow<{ revision: number }>(
      'SELECT revision FROM carts WHERE store_id = ? AND cart_id = ? AND revision = ?',
      store.id,
      id,
      revision,
    )
  await landed((await stub.snapshot())!.state.revision)
  return { send, stub, landed }
}

/**
 * Records every write the object makes from now on (until it restarts). The object runs in the
 * test's isolate, so the record is read as it fills.
 */
const countWrites = (stub: Stub) =>
  runInDurableObject(stub, (_o, s) => {
    const w = { alarms: [] as number[], kv: [] as string[], sql: [] as string[] }
    const { storage } = s
    const setAlarm = storage.setAlarm.bind(storage)
    const put = storage.kv.put.bind(storage.kv)
    const exec = storage.sql.exec.bind(storage.sql)
    Object.assign(storage, {
      setAlarm: (at: number) => {
        w.alarms.push(at)
        return setAlarm(at)
      },
    })
    Object.assign(storage.kv, {
      put: (k: string, v: unknown) => {
        w.kv.push(k)
        return put(k, v)
      },
    })
    Object.assign(storage.sql, {
      exec: (q: string, ...args: unknown[]) => {
        if (!/^\s*SELECT/i.test(q)) w.sql.push(q.trim().split(/\s+/).slice(0, 3).join(' '))
        return exec(q, ...args)
      },
    })
    return w
  })

const stored = (stub: Stub) =>
  runInDurableObject(stub, (_o, s) => s.storage.kv.get<StoredState>('state')!)

const alarmOf = (stub: Stub) => runInDurableObject(stub, (_o, s) => s.storage.getAlarm())

const clockAt = (stub: Stub, at: number) =>
  runInDurableObject(stub, (o: CartObject) => {
    o.clock = () => at
  })

describe('the cart report, published from the state', () => {
  it('a beacon on an existing cart, past the report wait, writes one row, its state (the journal entry rides in it), no outbox row, no alarm', async () => {
    const { send, stub, landed } = await newCart()
    const before = (await stub.snapshot())!.state
    const alarm = await alarmOf(stub)
    // Past the ten seconds an item change may wait to go with the next (tested below).
    await clockAt(stub, before.lastActivityAt + 11_000)
    const w = await countWrites(stub)
    await send({ items: [...ITEMS, { id: 'sku-3', name: 'Sea Salt', price: 900, quantity: 1 }] })
    const after = (await stub.snapshot())!.state
    expect(after.revision).toBe(before.revision + 1)
    // The Queue consumer wrote the new revision to D1: the report went without a row.
    await landed(after.revision)
    expect(w).toEqual({ alarms: [], kv: ['state'], sql: [] })
    expect(await alarmOf(stub)).toBe(alarm)
    // The revision known published before this event is stored beside it (it lags by one).
    expect((await stored(stub)).reported).toBe(before.revision)
  })

  it('the entry that overfills the journal tail writes one chunk row holding the tail and itself', async () => {
    const { stub } = await newCart()
    const tail = async () => (await stored(stub)).tail ?? []
    const fill = JOURNAL_TAIL_MAX - (await tail()).length
    await runInDurableObject(stub, async (o: CartObject) => {
      for (let i = 0; i < fill; i++) await o.replied('question', { n: i })
    })
    expect(await tail()).toHaveLength(JOURNAL_TAIL_MAX)
    const w = await countWrites(stub)
    await runInDurableObject(stub, (o: CartObject) => o.replied('question', { n: fill }))
    // The cart's first chunk is the first row its tables hold: the same write builds them.
    expect(w).toEqual({
      alarms: [],
      kv: ['schemaVersion', 'state'],
      sql: ['CREATE TABLE IF', 'INSERT INTO journal'],
    })
    expect((await stored(stub)).tail).toBeUndefined()
    const rows = await runInDurableObject(stub, (_o, s) =>
      s.storage.sql
        .exec<{ type: string; entry: string }>('SELECT type, entry FROM journal')
        .toArray(),
    )
    expect(rows.map((r) => [r.type, (JSON.parse(r.entry) as unknown[]).length])).toEqual([
      ['chunk', JOURNAL_TAIL_MAX + 1],
    ])
  })

  it('a failed publish writes the report row; the alarm retries it', async () => {
    const { send, stub, landed } = await newCart()
    await runInDurableObject(stub, (o: CartObject) => {
      const down = { send: () => Promise.reject(new Error('queue down')) } as unknown as Queue
      Object.assign(o, { adapters: createAdapters({ ...env, REPORTS: down }) })
    })
    await send({ contact: { email: 'late@example.com' }, type: 'contact' })
    const rev = (await stub.snapshot())!.state.revision
    const row = () =>
      runInDurableObject(stub, (_o, s) =>
        s.storage.sql.exec('SELECT id, state, attempts, next_at FROM outbox').toArray(),
      )
    await expect.poll(async () => (await row()).length).toBe(1)
    expect(await row()).toMatchObject([{ id: 'report', state: 'pending', attempts: 1 }])
    // The alarm moved sooner, to the row's back-off.
    const { next_at: due } = (await row())[0] as { next_at: number }
    expect(await alarmOf(stub)).toBe(due)
    await runInDurableObject(stub, (o: CartObject) => {
      Object.assign(o, { adapters: createAdapters(env) })
    })
    // An alarm that fires before the row is due sends nothing and comes back for it (a row is
    // never looked at sooner than `RETRY_BASE_MS` from now: `Outbox.earliestDue`).
    await clockAt(stub, due - 1000)
    await runDurableObjectAlarm(stub)
    expect(await row()).toMatchObject([{ state: 'pending', attempts: 1 }])
    const again = due - 1000 + RETRY_BASE_MS
    expect(await alarmOf(stub)).toBe(again)
    await clockAt(stub, again)
    await runDurableObjectAlarm(stub)
    await landed(rev)
    expect(await row()).toMatchObject([{ id: 'report', state: 'sent' }])
  })

  it('after a restart with a publish that may be lost (or no `reported` at all), the next wake publishes it', async () => {
    for (const reported of [0, undefined]) {
      const { stub, landed } = await newCart()
      const s = (await stub.snapshot())!.state
      // A commit whose publish never happened: a newer revision than D1 holds.
      await runInDurableObject(stub, (_o, st) => {
        st.storage.kv.put('state', {
          ...s,
          revision: s.revision + 1,
          contact: { email: 'lost@example.com' },
          ...(reported === undefined ? {} : { reported: s.revision }),
        })
      })
      await evictDurableObject(stub)
      // Old stored state (no `reported`) loads as it always did.
      expect((await stub.snapshot())!.state.contact.email).toBe('lost@example.com')
      const w = await countWrites(stub)
      // An early alarm: nothing is due, nothing is written but the report goes.
      expect(await runDurableObjectAlarm(stub)).toBe(true)
      await landed(s.revision + 1)
      expect({ kv: w.kv, sql: w.sql }).toEqual({ kv: [], sql: [] })
    }
  })
})

describe('the alarm, never moved later', () => {
  it('a beacon pushing the deadline, past the report wait, writes no alarm; the early alarm re-arms at it, writing no state', async () => {
    const { send, stub } = await newCart()
    const first = (await stub.snapshot())!.state
    const deadline = first.lastActivityAt + 60_000
    expect(await alarmOf(stub)).toBe(deadline)
    // Past the ten seconds an item change may wait to be reported with the next.
    await clockAt(stub, first.lastActivityAt + 11_000)
    const w = await countWrites(stub)
    await send({ items: [ITEMS[0]] })
    const pushed = (await stub.snapshot())!.state
    expect(pushed.lastActivityAt).toBe(first.lastActivityAt + 11_000)
    expect(await alarmOf(stub)).toBe(deadline)
    // It fires at the old deadline: the cart is not abandoned and nothing but the alarm is written.
    await clockAt(stub, deadline)
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    expect((await stub.snapshot())!.state).toEqual(pushed)
    expect(await alarmOf(stub)).toBe(pushed.lastActivityAt + 60_000)
    expect(w).toEqual({ alarms: [pushed.lastActivityAt + 60_000], kv: ['state'], sql: [] })
    // At the true deadline it abandons the cart.
    await clockAt(stub, pushed.lastActivityAt + 60_000)
    await runDurableObjectAlarm(stub)
    expect((await stub.snapshot())!.state.status).toBe('abandoned')
  })
})

describe("an anonymous cart's item changes, reported together", () => {
  const knownOf = (stub: Stub) =>
    runInDurableObject(stub, (o: CartObject) =>
      (o as unknown as { reports: CartReports }).reports.reported(),
    )
  const quantity = (n: number) => ({ items: [{ ...ITEMS[0], quantity: n }] })

  it('item changes soon after a report wait for one alarm, which sends the newest', async () => {
    const { send, stub, landed } = await newCart()
    const first = (await stub.snapshot())!.state
    const w = await countWrites(stub)
    await send(quantity(2))
    await send(quantity(3))
    const newest = (await stub.snapshot())!.state
    expect(newest.revision).toBe(first.revision + 2)
    // Neither went: the revision known published is still the first.
    expect(await knownOf(stub)).toBe(first.revision)
    // One alarm write, the wait after the first report, well before the inactivity deadline.
    const due = (await alarmOf(stub))!
    expect(w.alarms).toEqual([due])
    expect(due - first.lastActivityAt).toBeGreaterThanOrEqual(10_000)
    expect(due - first.lastActivityAt).toBeLessThan(15_000)
    // From its time on it waits no more (the flush sends it): no alarm is asked for the past.
    const dueAt = (at: number) =>
      runInDurableObject(stub, (o: CartObject) =>
        (o as unknown as { reports: CartReports }).reports.dueAt(newest, at),
      )
    expect(await dueAt(due - 1)).toBe(due)
    expect(await dueAt(due)).toBeNull()
    await clockAt(stub, due)
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    await landed(newest.revision)
    expect(await knownOf(stub)).toBe(newest.revision)
    // The state was not written again; the alarm is back at the inactivity deadline.
    expect(w.kv).toEqual(['state', 'state'])
    expect(await alarmOf(stub)).toBe(newest.lastActivityAt + 60_000)
  })

  it('a contact goes at once, with the item change that was waiting', async () => {
    const { send, stub, landed } = await newCart()
    const first = (await stub.snapshot())!.state
    await send(quantity(2))
    expect(await knownOf(stub)).toBe(first.revision)
    await send({ type: 'contact', contact: { email: 'ada@example.com' } })
    const { revision } = (await stub.snapshot())!.state
    // Within the poll's second, long before the wait's ten.
    await expect.poll(() => knownOf(stub)).toBe(revision)
    const row = await landed(revision)
    expect(row).toMatchObject({ revision })
  })

  it('a waiting report survives a restart: the next wake sends it', async () => {
    const { send, stub, landed } = await newCart()
    const first = (await stub.snapshot())!.state
    await send(quantity(2))
    const { revision } = (await stub.snapshot())!.state
    // It was waiting, for the alarm brought forward to the wait's end.
    expect(await knownOf(stub)).toBe(first.revision)
    expect((await alarmOf(stub))!).toBeLessThan(first.lastActivityAt + 15_000)
    await evictDurableObject(stub)
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    await landed(revision)
  })
})
