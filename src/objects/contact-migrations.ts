import { addColumns, type StorageMigration } from './migrations'

/**
 * The contact's storage layouts, in order (the version key is `schemaVersion`, as before the
 * list). Layouts from before the list may have part of a later step already: steps only add.
 */
/** The conversation's tables (step 2), also part of a new contact's layout in one step. */
const CONVERSATION_TABLES = `
  CREATE TABLE IF NOT EXISTS turns (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, at INTEGER NOT NULL,
    author TEXT NOT NULL, text TEXT NOT NULL, model TEXT, cart_id TEXT
  );
  CREATE INDEX IF NOT EXISTS turns_cart ON turns (cart_id, seq);
  CREATE TABLE IF NOT EXISTS outgoing (
    key TEXT PRIMARY KEY, send_at INTEGER NOT NULL, text TEXT NOT NULL, model TEXT,
    cart_id TEXT, detail TEXT NOT NULL
  );
`

export const CONTACT_MIGRATIONS: readonly StorageMigration[] = [
  {
    version: 1,
    description: 'consent ledger, texts sent (daily cap), texts received (dedup), replies sent',
    up: (s) =>
      void s.sql.exec(`
        CREATE TABLE IF NOT EXISTS consent (
          seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, granted INTEGER NOT NULL,
          text TEXT NOT NULL, ip TEXT, user_agent TEXT, page TEXT, cart_id TEXT NOT NULL, source TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS texts (at INTEGER NOT NULL, cart_id TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS inbound (sid TEXT PRIMARY KEY, at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS replies (id TEXT PRIMARY KEY, at INTEGER NOT NULL);
      `),
  },
  {
    version: 2,
    description: 'two-way SMS: each text and whether it is handled; the thread; held replies',
    up: (s) => {
      addColumns(s, 'inbound', {
        body: "TEXT NOT NULL DEFAULT ''",
        pending: 'INTEGER NOT NULL DEFAULT 0',
        cart_id: 'TEXT',
        was_suppressed: 'INTEGER NOT NULL DEFAULT 0',
        opt_out: 'INTEGER NOT NULL DEFAULT 0',
        attempts: 'INTEGER NOT NULL DEFAULT 0',
      })
      s.sql.exec(CONVERSATION_TABLES)
    },
  },
  {
    version: 3,
    description: 'unknown outcomes: how far each sent key got, and for which cart',
    // Rows from before the marks went out: `sent`.
    up: (s) => addColumns(s, 'replies', { state: "TEXT NOT NULL DEFAULT 'sent'", cart_id: 'TEXT' }),
  },
]

/**
 * The latest layout in one step, for a new contact object: what the steps above build, without
 * each step's schema rewrites and version write. `contact-migrations.test.ts` holds them equal.
 */
export function contactLayout(s: DurableObjectStorage): void {
  s.sql.exec(`
    CREATE TABLE consent (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, granted INTEGER NOT NULL,
      text TEXT NOT NULL, ip TEXT, user_agent TEXT, page TEXT, cart_id TEXT NOT NULL, source TEXT NOT NULL
    );
    CREATE TABLE texts (at INTEGER NOT NULL, cart_id TEXT NOT NULL);
    CREATE TABLE inbound (
      sid TEXT PRIMARY KEY, at INTEGER NOT NULL, body TEXT NOT NULL DEFAULT '',
      pending INTEGER NOT NULL DEFAULT 0, cart_id TEXT, was_suppressed INTEGER NOT NULL DEFAULT 0,
      opt_out INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE replies (
      id TEXT PRIMARY KEY, at INTEGER NOT NULL, state TEXT NOT NULL DEFAULT 'sent', cart_id TEXT
    );
  `)
  s.sql.exec(CONVERSATION_TABLES)
}
