// The contact's numbered layouts, from each older layout a deployed object may hold: the state
// that layout wrote is written by hand, the object is evicted, and its real constructor upgrades
// it. Each test then checks that what the old layout recorded is still honoured.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { PHONE, policyOf } from '#test/contacts'
import { createStore } from '#test/helpers'
import { layoutBuiltBy } from '#test/layouts'
import { pendingCount } from '#test/threads'
import { isSuppressed } from '../db/suppressions'
import type { ContactPolicy } from '../domain/store/settings'
import { CONTACT_MIGRATIONS, contactLayout } from './contact-migrations'
import { columnsOf, migrateStorage } from './migrations'
import { type ContactRef, contactStub } from './stubs'

const DISCLOSURE = 'Text me cart reminders. Reply STOP to opt out.'

const V1_TABLES = `
  CREATE TABLE consent (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, granted INTEGER NOT NULL,
    text TEXT NOT NULL, ip TEXT, user_agent TEXT, page TEXT, cart_id TEXT NOT NULL, source TEXT NOT NULL
  );
  CREATE TABLE texts (at INTEGER NOT NULL, cart_id TEXT NOT NULL);
  CREATE TABLE inbound (sid TEXT PRIMARY KEY, at INTEGER NOT NULL);
  CREATE TABLE replies (id TEXT PRIMARY KEY, at INTEGER NOT NULL);
`

/** A contact object whose storage is replaced by `layout`, then reloaded from scratch. */
async function fromLayout(
  layout: (s: DurableObjectStorage, ref: ContactRef, policy: ContactPolicy) => void,
) {
  const store = await createStore({ settings: { sms: { doubleOptIn: true } } })
  const policy = await policyOf(store.id)
  const ref: ContactRef = { storeId: store.id, channel: 'sms', address: PHONE }
  const stub = contactStub(env.CONTACT, ref)
  await runInDurableObject(stub, (_o, state) => {
    for (const t of ['consent', 'texts', 'inbound', 'replies', 'turns', 'outgoing'])
      state.storage.sql.exec(`DROP TABLE IF EXISTS ${t}`)
    state.storage.kv.delete('schemaVersion')
    layout(state.storage, ref, policy)
  })
  await evictDurableObject(stub)
  return { store, ref, stub, policy }
}

const version = (stub: ReturnType<typeof contactStub>) =>
  runInDurableObject(stub, (_o, s) => s.storage.kv.get('schemaVersion'))

describe('contact storage layouts', () => {
  it('numbers its steps 1, 2, 3 (deployed objects keep the numbers they reached)', () => {
    expect(CONTACT_MIGRATIONS.map((m) => m.version)).toEqual([1, 2, 3])
  })

  it('builds a new object, in one step, the layout the steps build', async () => {
    const tables = ['consent', 'texts', 'inbound', 'replies', 'turns', 'outgoing']
    const stepped = await layoutBuiltBy((s) => {
      for (const m of CONTACT_MIGRATIONS) m.up(s)
      return CONTACT_MIGRATIONS.length
    }, tables)
    const once = await layoutBuiltBy(
      (s) => migrateStorage(s, CONTACT_MIGRATIONS, 'v', contactLayout),
      tables,
    )
    expect(stepped.columns.length).toBeGreaterThan(30)
    expect(once).toEqual(stepped)
  })

  it('builds every table on an object that has none', async () => {
    const { stub, ref } = await fromLayout(() => {})
    expect(await stub.ledger()).toEqual([])
    expect(await version(stub)).toBe(3)
    const tables = await runInDurableObject(stub, (_o, s) =>
      ['consent', 'texts', 'inbound', 'replies', 'turns', 'outgoing'].map(
        (t) => columnsOf(s.storage, t).length > 0,
      ),
    )
    expect(tables).toEqual([true, true, true, true, true, true])
    expect((await stub.facts(ref)).optIn).toBe('none')
  })

  it('from v1 (no version key): keeps the ledger, the opt-in, the suppression and the seen SIDs', async () => {
    const at = Date.now() - 3_600_000
    const { stub, ref, policy } = await fromLayout((s, r) => {
      s.sql.exec(V1_TABLES)
      s.sql.exec(
        "INSERT INTO consent (at, granted, text, ip, user_agent, page, cart_id, source) VALUES (?, 1, ?, NULL, NULL, NULL, 'cart_v1', 'storefront')",
        at,
        DISCLOSURE,
      )
      s.sql.exec("INSERT INTO inbound (sid, at) VALUES ('SMv1', ?)", at)
      s.sql.exec('INSERT INTO texts (at, cart_id) VALUES (?, ?)', at, 'cart_v1')
      s.kv.put('ref', r)
      s.kv.put('optIn', 'confirmed')
      s.kv.put('suppressed', true)
    })
    expect(await stub.ledger()).toEqual([
      expect.objectContaining({ text: DISCLOSURE, granted: true, at, cartId: 'cart_v1' }),
    ])
    expect(await stub.facts(ref)).toEqual({
      suppressed: true,
      optIn: 'confirmed',
      consent: { granted: true, at },
      recentTexts: [at],
    })
    // A redelivery of a text the v1 object saw is still a duplicate.
    expect(await stub.receive(ref, { sid: 'SMv1', body: 'STOP', at }, policy)).toEqual({
      duplicate: true,
    })
    expect(await version(stub)).toBe(3)
  })

  it('from v2: a STOP left pending is handled after the upgrade, and old sent keys stay sent', async () => {
    const at = Date.now() - 60_000
    const { stub, store } = await fromLayout((s, r, policy) => {
      s.sql.exec(V1_TABLES)
      for (const m of CONTACT_MIGRATIONS.slice(1, 2)) m.up(s)
      s.sql.exec(
        "INSERT INTO inbound (sid, at, body, pending, cart_id, was_suppressed, opt_out) VALUES ('SMv2', ?, 'STOP', 1, NULL, 0, 1)",
        at,
      )
      s.sql.exec("INSERT INTO replies (id, at) VALUES ('msg_old', ?)", at)
      s.kv.put('schemaVersion', 2)
      s.kv.put('ref', r)
      s.kv.put('suppressed', true)
      s.kv.put('policy', policy)
    })
    const current = await runInDurableObject(
      stub,
      (_o, s) => s.storage.sql.exec<{ state: string }>('SELECT state FROM replies').one().state,
    )
    expect(current).toBe('sent')
    expect(await version(stub)).toBe(3)
    // The alarm the v2 object had armed for its pending text (an hour away: the test rings it).
    await runInDurableObject(stub, (_o, s) => s.storage.setAlarm(Date.now() + 3_600_000))
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    expect(await isSuppressed(env.DB, store.id, 'sms', PHONE)).toBe(true)
    expect(await pendingCount(stub)).toBe(0)
  })
})
