/**
 * A cart's journal in its object's SQLite: what happened, in order, capped on every write to the
 * cart's first entries (how it began) and its latest ones; what falls between is dropped and
 * counted (`journalTrimmed`), and the snapshot says where.
 */
import type { CartState, JournalEntry } from '../domain/cart/types'

export const JOURNAL_KEEP_FIRST = 50
export const JOURNAL_KEEP_LAST = 450
/** A stored entry's largest JSON length; a larger one keeps its type, time and source only. */
const MAX_ENTRY_CHARS = 4096

/** Appends entries and trims to the cap; runs inside the caller's write transaction. */
export function appendJournal(storage: DurableObjectStorage, entries: JournalEntry[]): void {
  if (entries.length === 0) return
  for (const entry of entries) {
    storage.sql.exec(
      'INSERT INTO journal (at, type, entry) VALUES (?, ?, ?)',
      entry.at,
      entry.type,
      storedEntry(entry),
    )
  }
  trimJournal(storage)
}

/** The stored journal, with a `journal.trimmed` marker where entries were dropped. */
export function readJournal(storage: DurableObjectStorage): JournalEntry[] {
  const sql = storage.sql
  // The same window the cap keeps, so a cart stored before the cap reads no more than it.
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
  const journal = rows.map((r) => JSON.parse(r.entry) as JournalEntry)
  const { n } = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM journal').one()
  const trimmed = (storage.kv.get<number>('journalTrimmed') ?? 0) + Math.max(0, n - rows.length)
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

/** The cart has items, or had some (emptied at checkout, abandoned, ordered). */
export function hadItems(storage: DurableObjectStorage, s: CartState | null): boolean {
  if (!s) return false
  if (s.items.length > 0 || s.abandonedAt !== null || s.order !== null) return true
  return (
    storage.sql
      .exec(
        "SELECT 1 FROM journal WHERE type = 'cart.updated' AND json_extract(entry, '$.itemCount') > 0 LIMIT 1",
      )
      .toArray().length > 0
  )
}

/** Keeps the first and the latest entries (see JOURNAL_KEEP_FIRST). */
function trimJournal(storage: DurableObjectStorage): void {
  const sql = storage.sql
  const { n } = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM journal').one()
  const excess = n - JOURNAL_KEEP_FIRST - JOURNAL_KEEP_LAST
  if (excess <= 0) return
  sql.exec(
    `DELETE FROM journal WHERE seq IN
       (SELECT seq FROM journal ORDER BY seq LIMIT ? OFFSET ?)`,
    excess,
    JOURNAL_KEEP_FIRST,
  )
  const trimmed = storage.kv.get<number>('journalTrimmed') ?? 0
  storage.kv.put('journalTrimmed', trimmed + excess)
}

/** An entry as stored: its JSON, or only its type, time and source when it is too large. */
function storedEntry(entry: JournalEntry): string {
  const json = JSON.stringify(entry)
  if (json.length <= MAX_ENTRY_CHARS) return json
  return JSON.stringify({ at: entry.at, type: entry.type, source: entry.source, truncated: true })
}
