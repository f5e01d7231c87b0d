// The cart object's numbered storage migrations, from each layout a deployed object may still
// have: the state written by that layout loads, and the cart then behaves (takes an event, sends
// or withholds what its outbox holds). The layout is rebuilt in a real object, then the object
// restarts (`evictDurableObject`) so its constructor migrates.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { age, beacon, buildTables, cartId, ITEMS, tablesIn, tablesOf } from '#test/carts'
import { createStore, oneEmailStore } from '#test/helpers'
import { layoutBuiltBy } from '#test/layouts'
import { createAdapters } from '../adapters'
import type { EmailMessage, EmailSender } from '../adapters/email/types'
import { cartReport } from '../domain/cart/report'
import type { CartState, JournalEntry } from '../domain/cart/types'
import type { CartObject } from './cart-object'
import { CART_MIGRATIONS, cartLayout, OneAlarm, persist } from './cart-storage'
import { JOURNAL_TAIL_MAX } from './journal'
import { columnsOf, migrateStorage } from './migrations'
import { Outbox } from './outbox'
import { cartStub } from './stubs'

type Stub = DurableObjectStub<CartObject>

async function newCart(settings: Record<string, unknown> = { inactivitySeconds: 60 }) {
  const store = await createStore({ settings })
  const id = cartId()
  const send = (extra: Record<string, unknown>) =>
    beacon({ store: store.publishableKey, cart: id, type: 'contact', items: ITEMS, ...extra })
  expect((await send({ contact: { email: 'ada@example.com' } })).status).toBe(202)
  return { send, stub: cartStub(env.CART, { storeId: store.id, cartId: id }) }
}

/** The email provider, recording what it is asked to send. */
function emails(idempotent: boolean, answer: 'ok' | 'busy' = 'ok') {
  const sent: EmailMessage[] = []
  const sender: EmailSender = {
    provider: 'resend',
    idempotent,
    async send(m) {
      sent.push(m)
      return answer === 'ok'
        ? { ok: true, providerId: `re_${sent.length}` }
        : { ok: false, retryable: true, code: 'http_503', message: 'busy' }
    },
  }
  return { sent, sender }
}

const useEmail = (stub: Stub, email: EmailSender) =>
  runInDurableObject(stub, (o: CartObject) => {
    Object.assign(o, { adapters: { ...createAdapters(env), email } })
  })

const layout = (stub: Stub) =>
  runInDurableObject(stub, (_o, s) => ({
    version: s.storage.kv.get('schemaVersion'),
    journal: columnsOf(s.storage, 'journal'),
    outbox: columnsOf(s.storage, 'outbox'),
  }))

const LATEST = {
  version: CART_MIGRATIONS.length,
  journal: ['seq', 'at', 'type', 'entry'],
  outbox: ['id', 'body', 'attempts', 'next_at', 'kind', 'state', 'last_error'],
}

/** An abandoned cart whose one email step is `sending`: the provider was busy, its row waits. */
async function waitingEmail() {
  const cart = await newCart(oneEmailStore())
  await age(cart.stub, 61_000)
  await useEmail(cart.stub, emails(true, 'busy').sender)
  await runDurableObjectAlarm(cart.stub)
  const run = (await cart.stub.snapshot())!.state.runs[0]
  expect(run?.status).toBe('sending')
  return cart
}

describe('cart storage migrations', () => {
  it('are numbered 1..5 under the version key deployed objects already hold', () => {
    expect(CART_MIGRATIONS.map((m) => m.version)).toEqual([1, 2, 3, 4, 5])
  })

  it('build for a new object, in one step, the layout the steps build', async () => {
    const tables = ['journal', 'outbox']
    const stepped = await layoutBuiltBy((s) => {
      for (const m of CART_MIGRATIONS) m.up(s)
      return CART_MIGRATIONS.length
    }, tables)
    const once = await layoutBuiltBy(
      (s) => migrateStorage(s, CART_MIGRATIONS, 'v', cartLayout),
      tables,
    )
    expect(stepped.columns).toHaveLength(11)
    expect(stepped.withoutRowid).toEqual([{ name: 'outbox' }])
    expect(once).toEqual(stepped)
  })

  it('load layout 4 (outbox with a rowid): its rows kept, keyed by their id alone, and sent', async () => {
    const { stub } = await waitingEmail()
    const rows = (s: DurableObjectStorage) =>
      s.sql.exec('SELECT id, kind, body, state, attempts, last_error FROM outbox').toArray()
    const before = await runInDurableObject(stub, (_o, s) => {
      s.storage.sql.exec(`CREATE TABLE outbox_old (id TEXT PRIMARY KEY, body TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,
          kind TEXT NOT NULL DEFAULT 'report', state TEXT NOT NULL DEFAULT 'pending',
          last_error TEXT);
        INSERT INTO outbox_old SELECT id, body, attempts, 0, kind, state, last_error FROM outbox;
        DROP TABLE outbox; ALTER TABLE outbox_old RENAME TO outbox`)
      s.storage.kv.put('schemaVersion', 4)
      return rows(s.storage)
    })
    expect(before).toHaveLength(1)
    await evictDurableObject(stub)
    expect(await layout(stub)).toEqual(LATEST)
    const after = await runInDurableObject(stub, (_o, s) => ({
      rows: rows(s.storage),
      ddl: String(
        s.storage.sql.exec("SELECT sql FROM sqlite_master WHERE name = 'outbox'").one().sql,
      ),
    }))
    expect(after.rows).toEqual(before)
    expect(after.ddl).toMatch(/WITHOUT ROWID/)
    const mail = emails(true)
    await useEmail(stub, mail.sender)
    await runInDurableObject(stub, (o: CartObject) => o.alarm())
    expect(mail.sent).toHaveLength(1)
    expect((await stub.snapshot())!.state.runs[0]).toMatchObject({ status: 'sent' })
  })

  it('load layout 3 (journal with AUTOINCREMENT): entries kept in order, the next one after them', async () => {
    const { send, stub } = await newCart()
    await buildTables(stub)
    const before = (await stub.snapshot())!.journal
    await runInDurableObject(stub, (_o, s) => {
      s.storage.sql.exec(`CREATE TABLE journal_old (seq INTEGER PRIMARY KEY AUTOINCREMENT,
          at INTEGER NOT NULL, type TEXT NOT NULL, entry TEXT NOT NULL);
        INSERT INTO journal_old SELECT * FROM journal; DROP TABLE journal;
        ALTER TABLE journal_old RENAME TO journal`)
      s.storage.kv.put('schemaVersion', 3)
    })
    await evictDurableObject(stub)
    expect(await layout(stub)).toEqual(LATEST)
    const ddl = await runInDurableObject(stub, (_o, s) =>
      s.storage.sql.exec("SELECT sql FROM sqlite_master WHERE name = 'journal'").one(),
    )
    expect(String(ddl.sql)).not.toMatch(/AUTOINCREMENT/)
    expect((await send({ contact: { phone: '+12125550123' } })).status).toBe(202)
    const after = (await stub.snapshot())!.journal
    expect(after.slice(0, before.length)).toEqual(before)
    expect(after.length).toBeGreaterThan(before.length)
  })

  it('load a cart stored before any table (layout 0): it takes the next event, and its first message builds the latest layout', async () => {
    const { send, stub } = await newCart(oneEmailStore())
    await buildTables(stub)
    await runInDurableObject(stub, (_o, s) => {
      s.storage.sql.exec('DROP TABLE journal; DROP TABLE outbox')
      s.storage.kv.delete('schemaVersion')
    })
    await evictDurableObject(stub)
    // No tables and no version: what a new cart has too, the latest layout not built yet.
    expect(await layout(stub)).toEqual({ version: undefined, journal: [], outbox: [] })
    expect((await send({ contact: { phone: '+12125550123' } })).status).toBe(202)
    const snap = (await stub.snapshot())!
    expect(snap.state.contact).toMatchObject({ email: 'ada@example.com', phone: '+12125550123' })
    expect(snap.journal.map((j) => j.type)).toContain('cart.updated')
    // Its report went out from the state: no table was needed for it.
    expect(await tablesIn(stub)).toEqual([])
    await age(stub, 61_000)
    await useEmail(stub, emails(true).sender)
    await runDurableObjectAlarm(stub)
    expect(await layout(stub)).toEqual(LATEST)
    expect((await stub.snapshot())!.state.runs[0]).toMatchObject({ status: 'sent' })
  })

  it('builds no table for a new cart: the first message builds them with the version, and an erase leaves none', async () => {
    const { stub } = await newCart(oneEmailStore())
    expect(await tablesIn(stub)).toEqual([])
    expect(await layout(stub)).toEqual({ version: undefined, journal: [], outbox: [] })
    // Read paths find nothing rather than fail: the journal and the outbox read as empty.
    expect((await stub.snapshot())!.journal.map((j) => j.type)).toEqual([
      'cart.created',
      'cart.updated',
      'contact.updated',
    ])
    await evictDurableObject(stub)
    expect(await tablesIn(stub)).toEqual([])
    await age(stub, 61_000)
    const mail = emails(true)
    await useEmail(stub, mail.sender)
    await runDurableObjectAlarm(stub)
    expect(mail.sent).toHaveLength(1)
    expect(await layout(stub)).toEqual(LATEST)
    expect(await tablesIn(stub)).toEqual(['journal', 'outbox'])
    const rows = await runInDurableObject(stub, (_o, s) =>
      s.storage.sql.exec('SELECT kind, state FROM outbox').toArray(),
    )
    expect(rows).toEqual([{ kind: 'message', state: 'sent' }])
    expect(await stub.erase()).toMatchObject({ revision: expect.any(Number) })
    expect(await tablesIn(stub)).toEqual([])
    expect(await layout(stub)).toEqual({ version: undefined, journal: [], outbox: [] })
  })

  it('a write that fails after building the tables leaves none, and the next write builds them', async () => {
    const { stub } = await newCart()
    const entry = (n: number): JournalEntry => ({ at: n, type: 'sms.question', source: 'shopper' })
    const out = await runInDurableObject(stub, (o: CartObject, s) => {
      const tables = tablesOf(o)
      const store = { storage: s.storage, tables, outbox: new Outbox(s.storage, tables) }
      // A value kv cannot store (a function): the write throws after the build.
      const unstorable = (c: CartState) => ({ ...c, unstorable: () => 0 }) as CartState
      const w = {
        // A full tail and one more entry: a journal chunk, so the write builds the tables first.
        state: unstorable(s.storage.kv.get<CartState>('state')!),
        reported: null,
        policy: null,
        tail: Array.from({ length: JOURNAL_TAIL_MAX }, (_, i) => entry(i)),
        journal: [entry(JOURNAL_TAIL_MAX)],
        effects: [],
        now: Date.now(),
      }
      let error = ''
      try {
        persist(store, w)
      } catch (e) {
        error = String(e)
      }
      return { error, built: tables.built }
    })
    expect(out.error).toMatch(/clone|serializ/i)
    expect(out.built).toBe(false)
    expect(await tablesIn(stub)).toEqual([])
    // The object goes on: the entries that fill its tail and overfill it build the tables.
    await runInDurableObject(stub, async (o: CartObject) => {
      for (let i = 0; i <= JOURNAL_TAIL_MAX; i++) await o.replied('question', { n: i })
    })
    expect(await tablesIn(stub)).toEqual(['journal', 'outbox'])
  })

  it('load layout 1 (a report-only outbox): its pending report is sent as a report', async () => {
    const { send, stub } = await newCart()
    await buildTables(stub)
    await runInDurableObject(stub, (_o, s) => {
      const state = s.storage.kv.get<CartState>('state')!
      s.storage.sql.exec(`DROP TABLE outbox;
        CREATE TABLE outbox (id TEXT PRIMARY KEY, body TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL)`)
      s.storage.sql.exec(
        "INSERT INTO outbox (id, body, attempts, next_at) VALUES ('report', ?, 2, 0)",
        JSON.stringify(cartReport(state)),
      )
      s.storage.kv.put('schemaVersion', 1)
    })
    await evictDurableObject(stub)
    expect(await layout(stub)).toEqual(LATEST)
    const kept = await runInDurableObject(stub, (_o, s) =>
      s.storage.sql.exec('SELECT id, kind, state, attempts, last_error FROM outbox').toArray(),
    )
    expect(kept).toEqual([
      { id: 'report', kind: 'report', state: 'pending', attempts: 2, last_error: null },
    ])
    expect((await send({ contact: { email: 'ada@example.org' } })).status).toBe(202)
    expect((await stub.snapshot())!.state.contact.email).toBe('ada@example.org')
    const left = await runInDurableObject(stub, (_o, s) =>
      s.storage.sql.exec('SELECT id, state FROM outbox').toArray(),
    )
    expect(left).toEqual([{ id: 'report', state: 'sent' }])
  })

  it('load layout 2 with a pending message: sent once when its time comes', async () => {
    const { stub } = await waitingEmail()
    await runInDurableObject(stub, (_o, s) => {
      s.storage.sql.exec("UPDATE outbox SET next_at = 0 WHERE kind = 'message'")
      s.storage.kv.put('schemaVersion', 2)
    })
    await evictDurableObject(stub)
    expect(await layout(stub)).toEqual(LATEST)
    const mail = emails(true)
    await useEmail(stub, mail.sender)
    await runInDurableObject(stub, (o: CartObject) => o.alarm())
    expect(mail.sent).toHaveLength(1)
    expect((await stub.snapshot())!.state.runs[0]).toMatchObject({ status: 'sent' })
  })

  it('load layout 2 with a message left `sending`: resent only to a provider that drops repeats', async () => {
    for (const idempotent of [true, false]) {
      const { stub } = await waitingEmail()
      await runInDurableObject(stub, (_o, s) => {
        s.storage.sql.exec(
          "UPDATE outbox SET state = 'sending', next_at = 0 WHERE kind = 'message'",
        )
        s.storage.kv.put('schemaVersion', 2)
      })
      await evictDurableObject(stub)
      const mail = emails(idempotent)
      await useEmail(stub, mail.sender)
      await runInDurableObject(stub, (o: CartObject) => o.alarm())
      const run = (await stub.snapshot())!.state.runs[0]
      if (idempotent) {
        expect(mail.sent).toHaveLength(1)
        expect(run).toMatchObject({ status: 'sent' })
      } else {
        // May have gone already: withheld, and the step ends with an unknown outcome.
        expect(mail.sent).toEqual([])
        expect(run).toMatchObject({ status: 'failed', reason: 'outcome_unknown' })
      }
    }
  })
})

describe('OneAlarm', () => {
  it('writes the alarm only to wake sooner, never later, never to delete it', async () => {
    const blank = env.LOGIN_THROTTLE.get(env.LOGIN_THROTTLE.newUniqueId())
    const T = Date.now() + 3_600_000
    const out = await runInDurableObject(blank, async (_o, s) => {
      const alarm = new OneAlarm(s.storage)
      const unknown = alarm.isSet()
      await alarm.keep([null, T + 5, T])
      const first = await s.storage.getAlarm()
      // Moved behind its back: a time as late as the one known is not written.
      await s.storage.setAlarm(T + 1)
      await alarm.keep([T])
      await alarm.keep([T + 60_000])
      const notLater = await s.storage.getAlarm()
      await alarm.keep([T - 10])
      const sooner = await s.storage.getAlarm()
      await alarm.keep([null])
      const kept = await s.storage.getAlarm()
      alarm.forget()
      await alarm.keep([T + 60_000])
      const unknownWrites = await s.storage.getAlarm()
      // The alarm ran: none set, so the next time wanted is written, later or not.
      await s.storage.deleteAlarm()
      alarm.fired()
      const afterFire = alarm.isSet()
      await alarm.keep([null])
      const none = await s.storage.getAlarm()
      await alarm.keep([T + 120_000])
      return {
        unknown,
        first,
        notLater,
        sooner,
        kept,
        unknownWrites,
        afterFire,
        none,
        rearmed: await s.storage.getAlarm(),
        set: alarm.isSet(),
      }
    })
    expect(out).toEqual({
      unknown: false,
      first: T,
      notLater: T + 1,
      sooner: T - 10,
      kept: T - 10,
      unknownWrites: T + 60_000,
      afterFire: false,
      none: null,
      rearmed: T + 120_000,
      set: true,
    })
  })
})
