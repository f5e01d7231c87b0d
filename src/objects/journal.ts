/**
 * A cart's journal in its object's storage: what happened, in order, capped to the cart's first
 * entries (how it began) and its latest ones; what falls between is dropped and counted
 * (`journalTrimmed`), and the snapshot says where.
 *
 * The newest entries (the tail, at most `JOURNAL_TAIL_MAX`) ride in the state's own kv value
 * (`cart-reports.ts`'s `StoredState`), written with it: an event writes one row, not one more per
 * entry (rows are billed, not bytes). When the tail would outgrow the max, it is written with the
 * event's entries as one `journal` row holding their JSON array (a chunk, type `chunk`) and the
 * tail empties. Rows written before chunks hold one entry (an object); readers take both.
 * See docs/design/journal.md.
 */
import type { CartState, JournalEntry } from '../domain/cart/types'
import type { TableLayout } from './migrations'

/**
 * The journal's storage: the object's, the cart's tables (the `journal` table exists only once
 * built: `LazyLayout`), and the tail stored with the state.
 */
export type JournalHost = {
  storage: DurableObjectStorage
  tables: TableLayout
  tail: readonly JournalEntry[]
}

export const JOURNAL_KEEP_FIRST = 50
export const JOURNAL_KEEP_LAST = 450
/** The most entries kept in the state's value before they are written as one chunk row. */
export const JOURNAL_TAIL_MAX = 16
/** A stored entry's largest JSON length; a larger one keeps its type, time and source only. */
const MAX_ENTRY_CHARS = 4096
const CHUNK = 'chunk'

/**
 * Appends entries to the tail and returns the tail to store with the state; a tail that would
 * outgrow `JOURNAL_TAIL_MAX` is written as one chunk row (and the journal trimmed) instead, and
 * the tail returned is empty. Runs inside the caller's write transaction.
 */
export function appendJournal(
  { storage, tables, tail }: JournalHost,
  entries: JournalEntry[],
): JournalEntry[] {
  const all = [...tail, ...entries.map(storedEntry)]
  if (all.length <= JOURNAL_TAIL_MAX) return all
  const first = all[0] as JournalEntry
  tables.build()
  storage.sql.exec(
    'INSERT INTO journal (at, type, entry) VALUES (?, ?, ?)',
    first.at,
    CHUNK,
    JSON.stringify(all),
  )
  trimJournal(storage)
  return []
}

/** The tail stored in the state's value; none (an object stored before the tail) is empty. */
export function storedTail(raw: unknown): JournalEntry[] {
  if (typeof raw !== 'object' || raw === null) return []
  const tail = (raw as { tail?: unknown }).tail
  return Array.isArray(tail) ? tail.filter(isEntry) : []
}

/**
 * The journal (table rows in order, then the tail): its first `JOURNAL_KEEP_FIRST` entries, a
 * `journal.trimmed` marker counting every entry not shown, and its latest `JOURNAL_KEEP_LAST`.
 */
export function readJournal({ storage, tables, tail }: JournalHost): JournalEntry[] {
  if (!tables.built) return [...tail]
  const sql = storage.sql
  // Every row holds at least one entry, so the first and last rows of the window hold the
  // entries shown; a cart stored before the cap reads no more rows than it.
  const rows = sql
    .exec<{ entry: string }>(
      `SELECT entry FROM journal
       WHERE seq IN (SELECT seq FROM journal ORDER BY seq LIMIT ?)
          OR seq IN (SELECT seq FROM journal ORDER BY seq DESC LIMIT ?)
       ORDER BY seq`,
      JOURNAL_KEEP_FIRST,
      JOURNAL_KEEP_LAST,
    )
    .toArray()
  const all = [...rows.flatMap((r) => entriesOf(r.entry)), ...tail]
  const { n } = sql.exec<{ n: number | null }>(`SELECT SUM(${ENTRY_COUNT}) AS n FROM journal`).one()
  const stored = (n ?? 0) + tail.length
  const cap = JOURNAL_KEEP_FIRST + JOURNAL_KEEP_LAST
  const journal =
    all.length > cap ? [...all.slice(0, JOURNAL_KEEP_FIRST), ...all.slice(-JOURNAL_KEEP_LAST)] : all
  const trimmed = (storage.kv.get<number>('journalTrimmed') ?? 0) + stored - journal.length
  const gap = journal[JOURNAL_KEEP_FIRST]
  if (trimmed > 0 && gap) {
    journal.splice(JOURNAL_KEEP_FIRST, 0, {
      at: gap.at,
      type: 'journal.trimmed',
      source: 'timer',
      count: trimmed,
    })
  }
  return journal
}

/**
 * The cart has items, or had some (emptied at checkout, abandoned, ordered). Scans the tail and
 * the rows in JS: it runs on order claims only.
 */
export function hadItems({ storage, tables, tail }: JournalHost, s: CartState | null): boolean {
  if (!s) return false
  if (s.items.length > 0 || s.abandonedAt !== null || s.order !== null) return true
  const held = (e: JournalEntry) =>
    e.type === 'cart.updated' && typeof e.itemCount === 'number' && e.itemCount > 0
  if (tail.some(held)) return true
  if (!tables.built) return false
  const rows = storage.sql.exec<{ entry: string }>(
    'SELECT entry FROM journal WHERE type IN (?, ?)',
    'cart.updated',
    CHUNK,
  )
  for (const r of rows) if (entriesOf(r.entry).some(held)) return true
  return false
}

/** A row's entry count: a chunk's array length, or 1 (a row stored before chunks). */
const ENTRY_COUNT = `CASE WHEN type = '${CHUNK}' THEN json_array_length(entry) ELSE 1 END`

/**
 * Drops whole rows from the middle: never those holding the first `JOURNAL_KEEP_FIRST` entries,
 * never the newest row, and only while the rows after the drop still hold `JOURNAL_KEEP_LAST`
 * entries. It runs when a chunk is written (the tail is then empty), so what `readJournal`
 * shows is exactly the first and the latest entries with the count of those between, as when
 * every entry was a row; up to a chunk's entries more than the cap stay stored.
 */
function trimJournal(storage: DurableObjectStorage): void {
  const sql = storage.sql
  const rows = sql
    .exec<{ seq: number; n: number }>(`SELECT seq, ${ENTRY_COUNT} AS n FROM journal ORDER BY seq`)
    .toArray()
  const n = (i: number) => rows[i]?.n ?? 0
  let first = 0
  let seen = 0
  while (first < rows.length && seen < JOURNAL_KEEP_FIRST) seen += n(first++)
  let after = rows.slice(first).reduce((sum, r) => sum + r.n, 0)
  let end = first
  // `end` stops before the newest row, and before a row whose loss leaves fewer than the last.
  while (end < rows.length - 1 && after - n(end) >= JOURNAL_KEEP_LAST) after -= n(end++)
  if (end === first) return
  const dropped = rows.slice(first, end)
  const count = dropped.reduce((sum, r) => sum + r.n, 0)
  sql.exec('DELETE FROM journal WHERE seq >= ? AND seq <= ?', dropped[0]?.seq, dropped.at(-1)?.seq)
  const trimmed = storage.kv.get<number>('journalTrimmed') ?? 0
  storage.kv.put('journalTrimmed', trimmed + count)
}

/** A row's entries: a chunk's array, or the one entry of a row stored before chunks. */
function entriesOf(json: string): JournalEntry[] {
  const parsed = JSON.parse(json) as JournalEntry | JournalEntry[]
  return Array.isArray(parsed) ? parsed : [parsed]
}

function isEntry(e: unknown): e is JournalEntry {
  if (typeof e !== 'object' || e === null) return false
  const { at, type } = e as { at?: unknown; type?: unknown }
  return typeof at === 'number' && typeof type === 'string'
}

/** An entry as stored: itself, or only its type, time and source when its JSON is too large. */
function storedEntry(entry: JournalEntry): JournalEntry {
  if (JSON.stringify(entry).length <= MAX_ENTRY_CHARS) return entry
  return { at: entry.at, type: entry.type, source: entry.source, truncated: true }
}
