/**
 * Bench mode `counters` (see src/bench.ts): counts the billable operations of everything this
 * isolate runs, through the real bindings. Under `wrangler dev` the Worker and its Durable
 * Objects run in one isolate, so one module-level tally holds both sides; the bench reads it
 * through `GET /__bench/counters`. Nothing here runs unless the flag is on: the wrappers below
 * are installed only then, on the objects the Worker already has.
 */

/** The billable operations seen so far in this isolate. */
export type BenchCounters = {
  workerRequests: number
  /** RPC calls on object stubs, and alarm invocations (both billed as requests). */
  doRequests: number
  doAlarms: number
  /** SQLite rows, from each cursor's `rowsRead`/`rowsWritten`, plus the KV API's rows. */
  doRowsRead: number
  doRowsWritten: number
  /** `setAlarm` calls (each billed as one row written; included in `doRowsWritten`). */
  doAlarmsSet: number
  queueWrites: number
  queueReads: number
  queueDeletes: number
  d1RowsRead: number
  d1RowsWritten: number
  /** D1 queries answered by `raw()`, which reports no meta: their rows read are the rows returned. */
  d1RawQueries: number
  /** Durable Object rows written by what wrote them (a statement's first words, a KV key). */
  doWritesBy: Record<string, number>
  /** D1 rows written by statement (its first words). */
  d1WritesBy: Record<string, number>
}

const tally: BenchCounters = {
  workerRequests: 0,
  doRequests: 0,
  doAlarms: 0,
  doRowsRead: 0,
  doRowsWritten: 0,
  doAlarmsSet: 0,
  queueWrites: 0,
  queueReads: 0,
  queueDeletes: 0,
  d1RowsRead: 0,
  d1RowsWritten: 0,
  d1RawQueries: 0,
  doWritesBy: {},
  d1WritesBy: {},
}

/** SQL cursors whose rows are read lazily: summed (and let go) when the tally is read. */
let cursors: { what: string; cursor: SqlStorageCursor<Record<string, SqlStorageValue>> }[] = []

function wrote(what: string, rows: number): void {
  if (rows === 0) return
  tally.doRowsWritten += rows
  tally.doWritesBy[what] = (tally.doWritesBy[what] ?? 0) + rows
}

/** The tally now (cursors still open are counted as far as they have been read). */
export function readCounters(): BenchCounters {
  for (const { what, cursor } of cursors) {
    tally.doRowsRead += cursor.rowsRead
    wrote(what, cursor.rowsWritten)
  }
  cursors = []
  return { ...tally, doWritesBy: { ...tally.doWritesBy }, d1WritesBy: { ...tally.d1WritesBy } }
}

export function countWorkerRequest(): void {
  tally.workerRequests++
}

/** Queue consumer side: each message delivered is one read, each acknowledged one delete. */
export function countQueueBatch(messages: number): void {
  tally.workerRequests++
  tally.queueReads += messages
  tally.queueDeletes += messages
}

// biome-ignore lint/suspicious/noExplicitAny: runtime methods of every shape pass through.
type AnyFn = (...args: any[]) => any

/** Shadows a method of a runtime object with a counting one (an own property). */
function shadow<T extends object>(obj: T, name: string, wrap: (orig: AnyFn) => AnyFn): void {
  const orig = (obj as Record<string, unknown>)[name]
  // Already counted (an own property shadows the runtime's method): never counted twice.
  if (typeof orig !== 'function' || Object.hasOwn(obj, name)) return
  Object.defineProperty(obj, name, {
    value: wrap(orig.bind(obj)),
    configurable: true,
    writable: true,
  })
}

/** Counts an object's SQLite rows (SQL and KV API) and `setAlarm` calls. */
export function countStorage(storage: DurableObjectStorage): void {
  shadow(storage.sql, 'exec', (exec) => (query: string, ...args: unknown[]) => {
    const cursor = exec(query, ...args)
    // Miniflare names each local object in a table of its own: local only, never billed.
    if (query.includes('__miniflare')) return cursor
    cursors.push({ what: query.trim().replace(/\s+/g, ' ').slice(0, 48), cursor })
    return cursor
  })
  // The KV API stores each key as one row of a hidden table.
  shadow(storage.kv, 'get', (get) => (key: string) => {
    tally.doRowsRead++
    return get(key)
  })
  shadow(storage.kv, 'put', (put) => (key: string, value: unknown) => {
    wrote(`kv.put ${key}`, 1)
    return put(key, value)
  })
  shadow(storage.kv, 'delete', (del) => (key: string) => {
    wrote(`kv.delete ${key}`, 1)
    return del(key)
  })
  shadow(storage, 'get', (get) => (key: string | string[], opts?: unknown) => {
    tally.doRowsRead += Array.isArray(key) ? key.length : 1
    return get(key, opts)
  })
  shadow(storage, 'put', (put) => (key: string | object, value?: unknown, opts?: unknown) => {
    wrote('put', typeof key === 'string' ? 1 : Object.keys(key).length)
    return put(key, value, opts)
  })
  shadow(storage, 'setAlarm', (set) => (at: number, opts?: unknown) => {
    tally.doAlarmsSet++
    wrote('setAlarm', 1)
    return set(at, opts)
  })
}

/** Counts an object's alarm invocations as requests. */
export function countAlarms(object: object): void {
  shadow(object, 'alarm', (alarm) => async () => {
    tally.doRequests++
    tally.doAlarms++
    return alarm()
  })
}

/** The env with counting bindings: D1, the report queue and every object namespace. */
export function countedEnv(env: Env): Env {
  return {
    ...env,
    DB: countD1(env.DB),
    REPORTS: countQueue(env.REPORTS),
    CART: countNamespace(env.CART),
    CONTACT: countNamespace(env.CONTACT),
    ORDER: countNamespace(env.ORDER),
    LOGIN_THROTTLE: countNamespace(env.LOGIN_THROTTLE),
  }
}

function countQueue<T>(queue: Queue<T>): Queue<T> {
  return {
    send: (body, opts) => {
      tally.queueWrites++
      return queue.send(body, opts)
    },
    sendBatch: (messages, opts) => {
      tally.queueWrites += [...messages].length
      return queue.sendBatch(messages, opts)
    },
  } as Queue<T>
}

/** Every RPC method call on a stub is its own billed request. */
function countNamespace<T extends object>(ns: T): T {
  const stub = (s: object) =>
    new Proxy(s, {
      get(target, prop) {
        const v = Reflect.get(target, prop)
        if (typeof prop === 'symbol' || typeof v !== 'function') return v
        return (...args: unknown[]) => {
          tally.doRequests++
          // RPC stubs answer every property (even `apply`) as a remote method: no Function.prototype.
          return Reflect.apply(v, target, args)
        }
      },
    })
  return new Proxy(ns, {
    get(target, prop) {
      const v = Reflect.get(target, prop)
      if (typeof v !== 'function') return v
      if (prop === 'get' || prop === 'getByName')
        return (...args: unknown[]) => stub(Reflect.apply(v, target, args))
      return v.bind(target)
    },
  })
}

type Meta = { rows_read?: number; rows_written?: number } | undefined

/** Each statement's SQL, for `d1WritesBy`. */
const sqlOf = new WeakMap<object, string>()

function addMeta(meta: Meta, stmt: object): void {
  const written = meta?.rows_written ?? 0
  tally.d1RowsRead += meta?.rows_read ?? 0
  tally.d1RowsWritten += written
  if (written === 0) return
  const what = (sqlOf.get(stmt) ?? '?').trim().replace(/\s+/g, ' ').slice(0, 48)
  tally.d1WritesBy[what] = (tally.d1WritesBy[what] ?? 0) + written
}

function countD1(db: D1Database): D1Database {
  shadow(db, 'prepare', (prepare) => (sql: string) => countStatement(prepare(sql), sql))
  shadow(db, 'batch', (batch) => async (statements: D1PreparedStatement[]) => {
    const results = (await batch(statements)) as D1Result[]
    for (const [i, r] of results.entries()) addMeta(r.meta, statements[i] as object)
    return results
  })
  return db
}

function countStatement(stmt: D1PreparedStatement, sql: string): D1PreparedStatement {
  sqlOf.set(stmt, sql)
  shadow(
    stmt,
    'bind',
    (bind) =>
      (...values: unknown[]) =>
        countStatement(bind(...values), sql),
  )
  for (const name of ['all', 'run'])
    shadow(stmt, name, (run) => async () => {
      const r = (await run()) as D1Result
      addMeta(r.meta, stmt)
      return r
    })
  // `first` reports no meta: answered from `all`, which reads the same rows.
  shadow(stmt, 'first', () => async (column?: string) => {
    const row = (await stmt.all()).results[0] as Record<string, unknown> | undefined
    if (!row) return null
    return column === undefined ? row : (row[column] ?? null)
  })
  shadow(stmt, 'raw', (raw) => async (opts?: unknown) => {
    const rows = (await raw(opts)) as unknown[]
    tally.d1RawQueries++
    tally.d1RowsRead += rows.length
    return rows
  })
  return stmt
}
