// The journal's tail (its newest entries, stored in the state's value) and its chunk rows, over
// real cart objects: read back in order across a chunk write and a restart, beside rows stored
// one entry each before chunks, trimmed to the same window, and scanned for item updates.
import { evictDurableObject, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { beacon, cartId, ITEMS, tablesOf } from '#test/carts'
import { createStore } from '#test/helpers'
import type { CartState, JournalEntry } from '../domain/cart/types'
import type { CartObject } from './cart-object'
import type { StoredState } from './cart-reports'
import {
  hadItems,
  JOURNAL_KEEP_FIRST,
  JOURNAL_KEEP_LAST,
  JOURNAL_TAIL_MAX,
  storedTail,
} from './journal'
import { cartStub } from './stubs'

type Stub = DurableObjectStub<CartObject>

async function newCart(items: unknown[] = ITEMS) {
  const store = await createStore({ settings: { inactivitySeconds: 60 } })
  const id = cartId()
  const send = (extra: Record<string, unknown>) =>
    beacon({ store: store.publishableKey, cart: id, type: 'cart', ...extra })
  expect((await send({ items })).status).toBe(202)
  return { send, stub: cartStub(env.CART, { storeId: store.id, cartId: id }) }
}

/** `n` journalled events (texts from the shopper), numbered from `from`. */
const drive = (stub: Stub, from: number, n: number) =>
  runInDurableObject(stub, async (o: CartObject) => {
    for (let i = from; i < from + n; i++) await o.replied('question', { n: i })
  })

const journalOf = async (stub: Stub) => (await stub.snapshot())!.journal

const stored = (stub: Stub) =>
  runInDurableObject(stub, (o: CartObject, s) => {
    const value = s.storage.kv.get<StoredState>('state')!
    // A cart's tables are built by the first write that needs one (its first chunk here).
    const { rows } = tablesOf(o).built
      ? s.storage.sql.exec<{ rows: number }>('SELECT COUNT(*) AS rows FROM journal').one()
      : { rows: 0 }
    return { tail: storedTail(value), rows }
  })

/** Whether the cart had items, asked of its storage as an order claim asks it. */
const had = (stub: Stub) =>
  runInDurableObject(stub, (o: CartObject, s) => {
    const value = s.storage.kv.get<CartState>('state')!
    return hadItems({ storage: s.storage, tables: tablesOf(o), tail: storedTail(value) }, value)
  })

const question = (at: number, n: number): JournalEntry => ({
  at,
  type: 'sms.question',
  source: 'shopper',
  n,
})

describe('the journal tail', () => {
  it('reads the same entries in the same order before and after a chunk write, and after a restart', async () => {
    const { stub } = await newCart()
    const fill = JOURNAL_TAIL_MAX - (await stored(stub)).tail.length
    await drive(stub, 0, fill)
    expect(await stored(stub)).toMatchObject({ rows: 0, tail: { length: JOURNAL_TAIL_MAX } })
    const before = await journalOf(stub)
    expect(before.map((e) => e.type).slice(0, 2)).toEqual(['cart.created', 'cart.updated'])
    expect(before.at(-1)?.n).toBe(fill - 1)
    await drive(stub, fill, 1)
    expect(await stored(stub)).toEqual({ rows: 1, tail: [] })
    const after = await journalOf(stub)
    expect(after.slice(0, -1)).toEqual(before)
    expect(after.at(-1)?.n).toBe(fill)
    await drive(stub, fill + 1, 3)
    const mixed = await journalOf(stub)
    await evictDurableObject(stub)
    expect(await journalOf(stub)).toEqual(mixed)
    expect(mixed.map((e) => e.n ?? null).slice(2)).toEqual([...Array(fill + 4).keys()])
  })

  it('reads rows stored one entry each before chunks, then the tail, in order; a chunk follows them', async () => {
    const { stub } = await newCart()
    const T = Date.now()
    await runInDurableObject(stub, (o: CartObject, s) => {
      tablesOf(o).build()
      oneEntryRows(s.storage, T, 5)
      const value = s.storage.kv.get<StoredState>('state')!
      s.storage.kv.put('state', { ...value, tail: [question(T + 5, 5), question(T + 6, 6)] })
    })
    await evictDurableObject(stub)
    expect((await journalOf(stub)).map((e) => e.n)).toEqual([0, 1, 2, 3, 4, 5, 6])
    // Two in the tail and 15 more overfill it: the 17 go as one chunk row after the old rows.
    await drive(stub, 7, JOURNAL_TAIL_MAX - 1)
    expect(await stored(stub)).toEqual({ rows: 6, tail: [] })
    const n = (await journalOf(stub)).map((e) => e.n)
    expect(n).toEqual([...Array(6 + JOURNAL_TAIL_MAX).keys()])
  })

  it('trims a long cart stored one entry a row: the first entries, the count between, the latest', async () => {
    const { stub } = await newCart()
    const T = Date.now()
    const old = 700
    await runInDurableObject(stub, (o: CartObject, s) => {
      tablesOf(o).build()
      oneEntryRows(s.storage, T, old)
      const { tail: _, ...value } = s.storage.kv.get<StoredState>('state')!
      s.storage.kv.put('state', value)
    })
    await evictDurableObject(stub)
    const total = old + 3 * JOURNAL_TAIL_MAX
    await drive(stub, old, total - old)
    const journal = await journalOf(stub)
    expect(journal).toHaveLength(JOURNAL_KEEP_FIRST + 1 + JOURNAL_KEEP_LAST)
    expect(journal.slice(0, JOURNAL_KEEP_FIRST).map((e) => e.n)).toEqual([
      ...Array(JOURNAL_KEEP_FIRST).keys(),
    ])
    expect(journal[JOURNAL_KEEP_FIRST]).toMatchObject({
      type: 'journal.trimmed',
      count: total - JOURNAL_KEEP_FIRST - JOURNAL_KEEP_LAST,
    })
    expect(journal.slice(JOURNAL_KEEP_FIRST + 1).map((e) => e.n)).toEqual(
      [...Array(JOURNAL_KEEP_LAST).keys()].map((i) => total - JOURNAL_KEEP_LAST + i),
    )
    // The old rows between were deleted, not only hidden.
    const { rows } = await stored(stub)
    expect(rows).toBeLessThan(JOURNAL_KEEP_FIRST + JOURNAL_KEEP_LAST)
  })
})

describe('hadItems', () => {
  it('finds an item update that is only in the tail, then only inside a chunk', async () => {
    const { send, stub } = await newCart()
    expect((await send({ items: [] })).status).toBe(202)
    expect((await stub.snapshot())!.state.items).toEqual([])
    expect(await stored(stub)).toMatchObject({ rows: 0 })
    expect(await had(stub)).toBe(true)
    await drive(stub, 0, JOURNAL_TAIL_MAX)
    const now = await stored(stub)
    expect(now.rows).toBe(1)
    expect(now.tail.some((e) => e.type === 'cart.updated')).toBe(false)
    expect(await had(stub)).toBe(true)
  })

  it('finds none in a cart that never held items, in the tail or in a chunk', async () => {
    const { stub } = await newCart([])
    expect(await had(stub)).toBe(false)
    await drive(stub, 0, JOURNAL_TAIL_MAX)
    expect((await stored(stub)).rows).toBe(1)
    expect(await had(stub)).toBe(false)
  })
})

/** Replaces the journal with `count` rows of one entry each, as stored before chunks. */
function oneEntryRows(storage: DurableObjectStorage, T: number, count: number): void {
  storage.sql.exec('DELETE FROM journal')
  for (let i = 0; i < count; i++) {
    const e = question(T + i, i)
    storage.sql.exec(
      'INSERT INTO journal (at, type, entry) VALUES (?, ?, ?)',
      e.at,
      e.type,
      JSON.stringify(e),
    )
  }
}
