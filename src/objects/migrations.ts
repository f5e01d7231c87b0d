import { log } from '../lib/log'

/**
 * Numbered storage migrations for a Durable Object's SQLite, in the manner of cloudflare/actors'
 * `SQLSchemaMigrations`: each step runs once, in order, and the number reached is kept in the
 * object's own key-value storage. A step and the new number are written in one transaction, so an
 * eviction mid-way leaves the object at the previous number, never half migrated.
 *
 * Run it from the constructor inside `ctx.blockConcurrencyWhile`, before anything reads storage.
 */
export type StorageMigration = {
  /** 1, 2, 3… in order, with no gaps: the layout version this step produces. */
  version: number
  /** What the step changes, for the reader of the list. */
  description: string
  /** Brings storage from `version - 1` to `version`. Synchronous: it runs inside a transaction. */
  up(storage: DurableObjectStorage): void
}

/** The key the layout version is kept under (the name older versions already wrote). */
export const VERSION_KEY = 'schemaVersion'

/**
 * Runs every step above the stored version and returns the version reached (a newer stored
 * version, written before a rollback, is left as it is). `fresh`, when given, builds the latest
 * layout at once for an object that has no tables yet (a new object: each step's schema change
 * and version write would be billed rows); it must build what the steps build.
 *
 * @example
 * ctx.blockConcurrencyWhile(async () => migrateStorage(ctx.storage, CART_MIGRATIONS))
 */
export function migrateStorage(
  storage: DurableObjectStorage,
  migrations: readonly StorageMigration[],
  key: string = VERSION_KEY,
  fresh?: (storage: DurableObjectStorage) => void,
): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`storage migration ${i + 1} is numbered ${m.version}`)
  })
  const latest = migrations.length
  const stored = storage.kv.get<number>(key) ?? 0
  // A newer build wrote this object (a rollback): leave its layout alone and carry on, as the
  // objects always did. Steps only add, so an older build still finds what it reads; throwing
  // here would break every upgraded object on each start.
  if (stored > latest) {
    log('warn', 'storage layout newer than this build', { stored, latest })
    return stored
  }
  if (stored === 0 && fresh && !hasTables(storage)) {
    storage.transactionSync(() => {
      fresh(storage)
      storage.kv.put(key, latest)
    })
    return latest
  }
  for (const m of migrations.slice(stored)) {
    storage.transactionSync(() => {
      m.up(storage)
      storage.kv.put(key, m.version)
    })
  }
  return latest
}

/** What a table's reader and writer need of its layout: whether it exists, and to build it. */
export interface TableLayout {
  /** Whether the object's tables exist (at the latest layout). */
  readonly built: boolean
  /** Builds the latest layout if it is not built yet; call it in the write that needs a table. */
  build(): void
}

/**
 * A layout built when first written, not when the object starts (issue 14): most carts never
 * need their tables (their journal rides in the state's value, and an outbox row comes only with
 * a message), so a new object writes its key-value rows and nothing else. An object with no
 * tables and no stored version therefore stands for the latest layout with its tables empty:
 * `fresh` builds it, with the version, in the first write that needs a table, and readers find
 * nothing until then. The numbered steps run only on objects that have tables, so a step may
 * change tables only, never key-value data (an object still without tables would skip it), and
 * `fresh` must build what the steps build (`cart-storage.test.ts` holds the two equal).
 *
 * @example
 * const layout = new LazyLayout(ctx.storage, { migrations: CART_MIGRATIONS, fresh: cartLayout })
 * ctx.blockConcurrencyWhile(async () => layout.open())
 */
export class LazyLayout implements TableLayout {
  private exists = false
  private readonly key: string

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly spec: {
      migrations: readonly StorageMigration[]
      fresh: (storage: DurableObjectStorage) => void
      key?: string
    },
  ) {
    this.key = spec.key ?? VERSION_KEY
  }

  get built(): boolean {
    return this.exists
  }

  /**
   * From the constructor, before anything reads storage: an object with tables or a version is
   * migrated as `migrateStorage` does; a new one is left without tables.
   */
  open(): void {
    const stored = this.recheck()
    // At the latest version (every built object but the first start after a deploy): no steps.
    if (this.exists && stored !== this.spec.migrations.length) {
      migrateStorage(this.storage, this.spec.migrations, this.key)
    }
  }

  /**
   * Asks storage again whether the tables exist: after a write that failed, since a build
   * inside the caller's transaction is rolled back with it. Returns the stored version.
   */
  recheck(): number | undefined {
    const stored = this.storage.kv.get<number>(this.key)
    this.exists = stored !== undefined || hasTables(this.storage)
    return stored
  }

  /**
   * Inside the caller's transaction the build commits or rolls back with it: a caller whose
   * write fails must `recheck()`.
   */
  build(): void {
    if (this.exists) return
    this.storage.transactionSync(() => {
      this.spec.fresh(this.storage)
      this.storage.kv.put(this.key, this.spec.migrations.length)
    })
    this.exists = true
  }

  /** After `deleteAll`: no table exists until the next write builds them. */
  cleared(): void {
    this.exists = false
  }
}

/** Whether the object has tables of its own (the platform's and `sqlite_*` ones aside). */
function hasTables(storage: DurableObjectStorage): boolean {
  return (
    storage.sql
      .exec(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 1) != '_' AND name NOT LIKE 'sqlite%' LIMIT 1",
      )
      .toArray().length > 0
  )
}

/** The column names of a table (empty when the table does not exist). */
export function columnsOf(storage: DurableObjectStorage, table: string): string[] {
  return storage.sql
    .exec<{ name: string }>('SELECT name FROM pragma_table_info(?)', table)
    .toArray()
    .map((c) => c.name)
}

/**
 * Adds the columns a table lacks. Layouts written before numbered migrations may already have
 * some of them, so each is added only when missing.
 */
export function addColumns(
  storage: DurableObjectStorage,
  table: string,
  columns: Record<string, string>,
): void {
  const have = columnsOf(storage, table)
  for (const [name, type] of Object.entries(columns)) {
    if (!have.includes(name)) storage.sql.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`)
  }
}
