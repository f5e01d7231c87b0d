// An object's SQLite layout as data (columns with their types, defaults and keys; indexes; rowid
// or not), so that a new object's one-step layout can be held equal to what the numbered steps
// build.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'

export function schemaOf(s: DurableObjectStorage, tables: string[]) {
  const names = tables.map((t) => `'${t}'`).join(', ')
  const columns = s.sql
    .exec(
      `SELECT m.name AS tbl, p.name, p.type, p."notnull" AS nn, p.dflt_value AS dflt, p.pk
       FROM sqlite_master m, pragma_table_info(m.name) p
       WHERE m.type = 'table' AND m.name IN (${names}) ORDER BY m.name, p.cid`,
    )
    .toArray()
  // Index definitions, and whether each table numbers its rows with AUTOINCREMENT.
  const indexes = s.sql
    .exec(
      `SELECT tbl_name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN (${names}) ORDER BY name`,
    )
    .toArray()
  const autoincrement = s.sql
    .exec(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${names}) AND sql LIKE '%AUTOINCREMENT%' ORDER BY name`,
    )
    .toArray()
  // Tables keyed by their primary key alone (no rowid).
  const withoutRowid = s.sql
    .exec(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${names}) AND sql LIKE '%WITHOUT ROWID%' ORDER BY name`,
    )
    .toArray()
  return { columns, indexes, autoincrement, withoutRowid }
}

/** The layout `build` makes in a new, empty object. */
export function layoutBuiltBy(build: (s: DurableObjectStorage) => unknown, tables: string[]) {
  const blank = env.LOGIN_THROTTLE.get(env.LOGIN_THROTTLE.newUniqueId())
  return runInDurableObject(blank, (_o, st) => {
    const out = build(st.storage)
    return { out, ...schemaOf(st.storage, tables) }
  })
}
