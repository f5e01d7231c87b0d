// The runner over a real object's SQLite storage (the login throttle's, which has no tables of
// its own), so transactions and `pragma_table_info` are the platform's.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import {
  addColumns,
  columnsOf,
  LazyLayout,
  migrateStorage,
  type StorageMigration,
} from './migrations'

const STEPS: StorageMigration[] = [
  {
    version: 1,
    description: 'a table',
    up: (s) => void s.sql.exec('CREATE TABLE things (id TEXT PRIMARY KEY)'),
  },
  {
    version: 2,
    description: 'a column',
    up: (s) => addColumns(s, 'things', { size: 'INTEGER NOT NULL DEFAULT 0' }),
  },
]

function fresh() {
  return env.LOGIN_THROTTLE.get(env.LOGIN_THROTTLE.newUniqueId())
}

describe('migrateStorage', () => {
  it('runs every step once, in order, and keeps the version reached', async () => {
    const out = await runInDurableObject(fresh(), (_o, state) => {
      const first = migrateStorage(state.storage, STEPS, 'v')
      const again = migrateStorage(state.storage, STEPS, 'v')
      return {
        first,
        again,
        columns: columnsOf(state.storage, 'things'),
        v: state.storage.kv.get('v'),
      }
    })
    expect(out).toEqual({ first: 2, again: 2, columns: ['id', 'size'], v: 2 })
  })

  it('builds a new object with `fresh` at once, but steps through a layout stored before the list', async () => {
    const layout = (s: DurableObjectStorage) =>
      void s.sql.exec(
        'CREATE TABLE things (id TEXT PRIMARY KEY, size INTEGER NOT NULL DEFAULT 0, fresh INTEGER)',
      )
    const out = await runInDurableObject(fresh(), (_o, state) => {
      const v = migrateStorage(state.storage, STEPS, 'v', layout)
      return { v, columns: columnsOf(state.storage, 'things'), stored: state.storage.kv.get('v') }
    })
    expect(out).toEqual({ v: 2, columns: ['id', 'size', 'fresh'], stored: 2 })
    const old = await runInDurableObject(fresh(), (_o, state) => {
      state.storage.sql.exec('CREATE TABLE others (id TEXT PRIMARY KEY)')
      migrateStorage(state.storage, STEPS, 'v', layout)
      return columnsOf(state.storage, 'things')
    })
    expect(old).toEqual(['id', 'size'])
  })

  it('starts from the stored version: only the newer steps run', async () => {
    const out = await runInDurableObject(fresh(), (_o, state) => {
      migrateStorage(state.storage, STEPS.slice(0, 1), 'v')
      state.storage.sql.exec("INSERT INTO things (id) VALUES ('kept')")
      migrateStorage(state.storage, STEPS, 'v')
      return state.storage.sql.exec('SELECT id, size FROM things').toArray()
    })
    expect(out).toEqual([{ id: 'kept', size: 0 }])
  })

  it('rolls a failing step back and leaves the version where it was', async () => {
    const broken: StorageMigration = {
      version: 2,
      description: 'fails half way',
      up: (s) => {
        s.sql.exec('ALTER TABLE things ADD COLUMN half INTEGER')
        throw new Error('boom')
      },
    }
    const out = await runInDurableObject(fresh(), (_o, state) => {
      const error = (() => {
        try {
          migrateStorage(state.storage, [STEPS[0] as StorageMigration, broken], 'v')
        } catch (e) {
          return String(e)
        }
        return null
      })()
      return { error, columns: columnsOf(state.storage, 'things'), v: state.storage.kv.get('v') }
    })
    expect(out).toEqual({ error: 'Error: boom', columns: ['id'], v: 1 })
  })

  it('leaves a layout newer than the build as it is (a rollback), and refuses a list with a gap', async () => {
    const out = await runInDurableObject(fresh(), (_o, state) => {
      state.storage.kv.put('v', 5)
      const attempt = (list: StorageMigration[]) => {
        try {
          return migrateStorage(state.storage, list, 'v')
        } catch (e) {
          return String(e)
        }
      }
      return {
        newer: attempt(STEPS),
        tables: columnsOf(state.storage, 'things'),
        v: state.storage.kv.get('v'),
        gap: attempt([STEPS[1] as StorageMigration]),
      }
    })
    expect(out).toEqual({
      newer: 5,
      tables: [],
      v: 5,
      gap: 'Error: storage migration 1 is numbered 2',
    })
  })
})

describe('LazyLayout', () => {
  const build = (s: DurableObjectStorage) =>
    void s.sql.exec('CREATE TABLE things (id TEXT PRIMARY KEY, size INTEGER NOT NULL DEFAULT 0)')
  const lazy = (s: DurableObjectStorage) =>
    new LazyLayout(s, { migrations: STEPS, fresh: build, key: 'v' })

  it('leaves a new object without tables until a write builds the latest layout, once', async () => {
    const stub = fresh()
    const out = await runInDurableObject(stub, (_o, state) => {
      const layout = lazy(state.storage)
      layout.open()
      const before = { built: layout.built, things: columnsOf(state.storage, 'things') }
      layout.build()
      layout.build()
      state.storage.sql.exec("INSERT INTO things (id) VALUES ('a')")
      return { before, built: layout.built, v: state.storage.kv.get('v') }
    })
    expect(out).toEqual({ before: { built: false, things: [] }, built: true, v: 2 })
    // Another instance (after a restart) finds it built, with its row.
    const again = await runInDurableObject(stub, (_o, state) => {
      const layout = lazy(state.storage)
      layout.open()
      return {
        built: layout.built,
        rows: state.storage.sql.exec('SELECT id FROM things').toArray(),
      }
    })
    expect(again).toEqual({ built: true, rows: [{ id: 'a' }] })
  })

  it('steps a layout stored before the list through the steps, like migrateStorage', async () => {
    const out = await runInDurableObject(fresh(), (_o, state) => {
      // A table of its own but no version: stored before the numbered steps.
      state.storage.sql.exec('CREATE TABLE others (id TEXT PRIMARY KEY)')
      const layout = lazy(state.storage)
      layout.open()
      return { built: layout.built, columns: columnsOf(state.storage, 'things') }
    })
    expect(out).toEqual({ built: true, columns: ['id', 'size'] })
  })

  it('knows a build rolled back with the write it was part of, once rechecked, and builds again', async () => {
    const out = await runInDurableObject(fresh(), (_o, state) => {
      const layout = lazy(state.storage)
      layout.open()
      const failed = (() => {
        try {
          state.storage.transactionSync(() => {
            layout.build()
            throw new Error('the write failed after the build')
          })
        } catch (e) {
          return String(e)
        }
      })()
      const stale = layout.built
      layout.recheck()
      const rechecked = layout.built
      layout.build()
      return { failed, stale, rechecked, columns: columnsOf(state.storage, 'things') }
    })
    expect(out).toEqual({
      failed: 'Error: the write failed after the build',
      stale: true,
      rechecked: false,
      columns: ['id', 'size'],
    })
  })
})
