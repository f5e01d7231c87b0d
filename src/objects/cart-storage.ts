/**
 * The cart object's storage layouts, numbered (run by `migrateStorage` under the `schemaVersion`
 * key the object has always used, so a deployed object runs only the steps it has not), and the
 * one write of a transition.
 */
import { newCart } from '../domain/cart/machine'
import type { CartState, Effect, JournalEntry } from '../domain/cart/types'
import type { CartPolicy } from '../domain/store/settings'
import { storedState } from './cart-reports'
import { appendJournal } from './journal'
import { KnownAlarm } from './known-alarm'
import { addColumns, LazyLayout, type StorageMigration } from './migrations'
import type { Outbox } from './outbox'
import type { CartRef } from './stubs'

/** What `erase` answers: the revision floor kept, `kept` (changed since), or null (never existed). */
export type Erased = { revision: number; phone?: string } | { kept: true } | null

const JOURNAL_COLUMNS =
  'seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, type TEXT NOT NULL, entry TEXT NOT NULL'
const OUTBOX_COLUMNS = `id TEXT PRIMARY KEY, body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, kind TEXT NOT NULL DEFAULT 'report',
  state TEXT NOT NULL DEFAULT 'pending', last_error TEXT`

export const CART_MIGRATIONS: readonly StorageMigration[] = [
  {
    version: 1,
    description: 'the journal and the report outbox',
    up: (s) =>
      void s.sql.exec(`
        CREATE TABLE IF NOT EXISTS journal (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          at INTEGER NOT NULL,
          type TEXT NOT NULL,
          entry TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS outbox (
          id TEXT PRIMARY KEY,
          body TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          next_at INTEGER NOT NULL
        );
      `),
  },
  {
    version: 2,
    description: 'the outbox also holds messages, with their send state',
    up: (s) =>
      addColumns(s, 'outbox', {
        kind: "TEXT NOT NULL DEFAULT 'report'",
        state: "TEXT NOT NULL DEFAULT 'pending'",
        last_error: 'TEXT',
      }),
  },
  {
    version: 3,
    // Before `calling`, `sending` meant either. A row left `sending` by an older version may have
    // been mid-call: it is taken as `calling` (never resent to Twilio), as that version would have.
    description: '`calling` marks a provider call in flight',
    up: (s) =>
      void s.sql.exec(
        "UPDATE outbox SET state = 'calling' WHERE kind = 'message' AND state = 'sending'",
      ),
  },
  {
    version: 4,
    // AUTOINCREMENT writes a `sqlite_sequence` row with every entry (a billed row). The journal
    // never deletes its newest entry (the trim keeps the latest), so the rowid's max + 1 never
    // reuses a number either.
    description: 'journal numbered by rowid, without AUTOINCREMENT',
    up: (s) =>
      void s.sql.exec(`
        CREATE TABLE journal_v4 (${JOURNAL_COLUMNS});
        INSERT INTO journal_v4 (seq, at, type, entry) SELECT seq, at, type, entry FROM journal;
        DROP TABLE journal;
        ALTER TABLE journal_v4 RENAME TO journal;
      `),
  },
  {
    version: 5,
    // Keyed by a text id, a rowid table writes each new row twice (the row and its key's index):
    // a message row cost two billed rows. Keyed by the id alone it is one.
    description: 'outbox keyed by its id alone (WITHOUT ROWID)',
    up: (s) =>
      void s.sql.exec(`
        CREATE TABLE outbox_v5 (${OUTBOX_COLUMNS}) WITHOUT ROWID;
        INSERT INTO outbox_v5 (id, body, attempts, next_at, kind, state, last_error)
          SELECT id, body, attempts, next_at, kind, state, last_error FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_v5 RENAME TO outbox;
      `),
  },
]

/**
 * The latest layout in one step, for a new object: what the steps above build, without the
 * schema rewrites and version writes of each (rows billed for every new cart).
 * `cart-storage.test.ts` holds the two equal. Built by the first write that needs a table
 * (`cartTables`).
 */
export function cartLayout(s: DurableObjectStorage): void {
  s.sql.exec(`
    CREATE TABLE IF NOT EXISTS journal (${JOURNAL_COLUMNS});
    CREATE TABLE IF NOT EXISTS outbox (${OUTBOX_COLUMNS}) WITHOUT ROWID;
  `)
}

/**
 * The cart's tables, built when a row first needs one (a message, a journal chunk): a new cart
 * writes its state and policy only. `open()` it from the constructor.
 */
export function cartTables(storage: DurableObjectStorage): LazyLayout {
  return new LazyLayout(storage, { migrations: CART_MIGRATIONS, fresh: cartLayout })
}

/** Where a cart's rows go: its storage, its tables and its outbox. */
export type CartStore = { storage: DurableObjectStorage; tables: LazyLayout; outbox: Outbox }

/**
 * Writes one transition in one transaction: the state (with, beside it, the revision known
 * published: `cart-reports.ts`, and the journal's tail: `journal.ts`), the policy when it
 * changed, a journal chunk when the tail is full, and the messages to send. Synchronous, so
 * nothing runs in between. Returns the tail now stored. The report is not written: it is
 * published from the state after the commit.
 */
export function persist(
  { storage, tables, outbox }: CartStore,
  w: {
    state: CartState
    reported: number | null
    policy: CartPolicy | null
    tail: readonly JournalEntry[]
    journal: JournalEntry[]
    effects: Effect[]
    now: number
  },
): JournalEntry[] {
  try {
    return storage.transactionSync(() => {
      const tail = appendJournal({ storage, tables, tail: w.tail }, w.journal)
      storage.kv.put('state', storedState(w.state, w.reported, tail))
      if (w.policy) storage.kv.put('policy', w.policy)
      for (const e of w.effects) if (e.type === 'send_message') outbox.queueMessage(e, w.now)
      return tail
    })
  } catch (e) {
    // A build inside this write was rolled back with it.
    tables.recheck()
    throw e
  }
}

/**
 * The state a beacon starts from: the cart's, or on first sight a new cart above the revision
 * floor an erase left, with its `cart.created` entry.
 */
export function opening(
  storage: DurableObjectStorage,
  state: CartState | null,
  ref: CartRef,
  currency: string,
  now: number,
): { before: CartState; extra: JournalEntry[] } {
  if (state) return { before: state, extra: [] }
  const floor = storage.kv.get<number>('revisionFloor') ?? 0
  return {
    before: newCart(ref.storeId, ref.cartId, currency, now, floor),
    extra: [{ at: now, type: 'cart.created', source: 'storefront' }],
  }
}

/**
 * The object's one alarm, written only when it must wake the object sooner (each `setAlarm` is a
 * billed row). It is never moved later and never deleted here: an alarm that fires early finds
 * nothing due (the machine recomputes from the state, `timer.fired` before a deadline changes
 * nothing and writes nothing) and the wake sets the alarm to the real time. An earlier wake is
 * always safe; a later one is not. It remembers what this instance last wrote; `forget` when the
 * alarm may have changed without it (an erase), `fired` when it ran.
 */
export class OneAlarm extends KnownAlarm {
  /** Sets the alarm to the earliest of `times` unless one as early is already set. */
  async keep(times: (number | null)[]): Promise<void> {
    const due = times.filter((t) => t !== null)
    if (due.length === 0) return
    const at = Math.min(...due)
    if (typeof this.known === 'number' && this.known <= at) return
    await this.write(at)
  }

  /** Whether an alarm is known to be set (it will wake the object, at whatever time). */
  isSet(): boolean {
    return typeof this.known === 'number'
  }

  /** The alarm ran: none is set until the next `keep` writes one. */
  fired(): void {
    this.known = null
  }
}

/**
 * Erases everything the cart holds (state with the journal's tail, journal, consent, outbox, alarm) unless it changed
 * since `unchangedSince` (retention), keeping only what `eraseLayout` keeps.
 */
export async function eraseCart(
  { storage, tables }: Omit<CartStore, 'outbox'>,
  state: CartState | null,
  unchangedSince?: number,
): Promise<Erased> {
  if (!state) return erased(storage)
  if (unchangedSince !== undefined && state.updatedAt >= unchangedSince) return { kept: true }
  await storage.deleteAlarm()
  await storage.deleteAll()
  tables.cleared()
  return eraseLayout(storage, state)
}

/**
 * After `deleteAll`: no tables (the next write that needs one builds them, as for a new cart),
 * and only a revision floor, so a reused cart id starts above every report already in flight.
 * The phone is kept so that a retried delete can still forget the SMS thread.
 */
function eraseLayout(storage: DurableObjectStorage, s: CartState) {
  storage.kv.put('revisionFloor', s.revision)
  if (s.contact.phone) storage.kv.put('erasedPhone', s.contact.phone)
  return erased(storage) as { revision: number; phone?: string }
}

/** What erasing answers once erased (again: the same floor, so a caller can retry); null: never. */
export function erased(storage: DurableObjectStorage): { revision: number; phone?: string } | null {
  const floor = storage.kv.get<number>('revisionFloor')
  const phone = storage.kv.get<string>('erasedPhone')
  if (floor === undefined) return null
  return phone ? { revision: floor, phone } : { revision: floor }
}
