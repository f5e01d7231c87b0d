/**
 * The cart object's storage layouts, numbered (run by `migrateStorage` under the `schemaVersion`
 * key the object has always used, so a deployed object runs only the steps it has not).
 */
import { addColumns, type StorageMigration } from './migrations'

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
]
