import { and, eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import type { ExperimentChange } from '../domain/store/changes'
import { SettingsSchema } from '../domain/store/settings'
import { newId } from '../lib/ids'
import { open, seal } from '../lib/secret-box'
import { ttlCache } from '../lib/ttl-cache'
import type { Store } from '../views/store'
import { experimentWrites } from './experiments'
import { stores } from './schema'

export type { Store }

type Row = typeof stores.$inferSelect

function toStore(row: Row): Store {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    currency: row.currency,
    publishableKey: row.publishableKey,
    allowedOrigins: row.allowedOrigins,
    woocommerceWebhookSecret: row.woocommerceWebhookSecret,
    restoreUrlTemplate: row.restoreUrlTemplate,
    woocommerceApiConfigured: row.woocommerceApi !== null,
    webhookEvents: row.webhookEvents ?? [],
    // Defaults fill in settings added after the row was written.
    settings: SettingsSchema.parse(row.settings),
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  }
}

// Beacons and preflights look up their store on every request: a short in-isolate cache
// keeps that off D1. A change reaches other isolates within CACHE_MS.
const CACHE_MS = 15_000
const byKey = ttlCache<Store | null>(CACHE_MS)
const byId = ttlCache<Store | null>(CACHE_MS)
const originAllowed = ttlCache<boolean>(CACHE_MS)

export function storeByPublishableKey(db: D1Database, key: string): Promise<Store | null> {
  return byKey.get(key, async () => {
    const row = await drizzle(db).select().from(stores).where(eq(stores.publishableKey, key)).get()
    return row ? toStore(row) : null
  })
}

export async function storeById(db: D1Database, id: string): Promise<Store | null> {
  const row = await drizzle(db).select().from(stores).where(eq(stores.id, id)).get()
  return row ? toStore(row) : null
}

/**
 * The store as carts read it when their alarm fires (see docs/design/settings-in-flight.md):
 * from the same short in-isolate cache, so a burst of alarms costs one D1 read per store.
 */
export function cachedStoreById(db: D1Database, id: string): Promise<Store | null> {
  return byId.get(id, () => storeById(db, id))
}

export async function listStores(db: D1Database): Promise<Store[]> {
  const rows = await drizzle(db).select().from(stores).orderBy(stores.createdAt, stores.id).all()
  return rows.map(toStore)
}

/** True when any store allows `origin` (CORS preflight carries no store key). */
export function originAllowedByAnyStore(db: D1Database, origin: string): Promise<boolean> {
  return originAllowed.get(origin, async () => {
    const row = await drizzle(db)
      .select({ one: sql<number>`1` })
      .from(sql`stores, json_each(stores.allowed_origins) AS o`)
      .where(sql`o.value = ${origin}`)
      .limit(1)
      .get()
    return row !== undefined
  })
}

export type NewStore = Omit<
  Store,
  'createdAt' | 'updatedAt' | 'woocommerceApiConfigured' | 'webhookEvents'
>

export type WooCommerceKeys = { url: string; consumerKey: string; consumerSecret: string }

/**
 * A store's WooCommerce REST API keys, opened from their sealed column: `unreadable` when they
 * were sealed under another SIGNING_SECRET (or for another store) and must be entered again.
 * A box of the old format is sealed again in the current one on first read.
 */
export async function woocommerceKeys(
  db: D1Database,
  storeId: string,
  secret: string,
): Promise<
  { status: 'not_set' } | { status: 'unreadable' } | ({ status: 'ok' } & WooCommerceKeys)
> {
  const row = await drizzle(db)
    .select({ url: stores.url, box: stores.woocommerceApi })
    .from(stores)
    .where(eq(stores.id, storeId))
    .get()
  if (!row?.box) return { status: 'not_set' }
  const opened = await open(secret, storeId, row.box)
  if (!opened) return { status: 'unreadable' }
  if (opened.legacy) {
    // Only if the row still holds the box just read: a concurrent PATCH wins.
    await drizzle(db)
      .update(stores)
      .set({ woocommerceApi: await seal(secret, storeId, opened.text) })
      .where(and(eq(stores.id, storeId), eq(stores.woocommerceApi, row.box)))
      .run()
  }
  const keys = JSON.parse(opened.text) as { consumerKey: string; consumerSecret: string }
  return { status: 'ok', url: row.url, ...keys }
}

/** Whether a store's WooCommerce keys are set, and readable with the current secret. */
export async function woocommerceKeysStatus(
  db: D1Database,
  storeId: string,
  secret: string,
): Promise<'not_set' | 'unreadable' | 'ok'> {
  return (await woocommerceKeys(db, storeId, secret)).status
}

/** Seals a store's WooCommerce keys for its row (null removes them). */
export async function sealWoocommerceKeys(
  secret: string,
  storeId: string,
  keys: { consumerKey: string; consumerSecret: string } | null,
): Promise<string | null> {
  return keys ? seal(secret, storeId, JSON.stringify(keys)) : null
}

export async function insertStore(
  db: D1Database,
  store: NewStore,
  changes: ExperimentChange[] = [],
): Promise<Store> {
  const now = Date.now()
  const insert = drizzle(db)
    .insert(stores)
    .values({ ...store, createdAt: now, updatedAt: now })
    .returning()
  const writes = experimentWrites(db, store.id, changes)
  const row =
    writes.length > 0 ? (await drizzle(db).batch([insert, ...writes]))[0][0] : await insert.get()
  if (!row) throw new Error('store insert returned no row')
  return toStore(row)
}

/** A new store with fresh ids and keys (`st_…`, `pk_…`, `whsec_…`); settings default. */
export function createStore(
  db: D1Database,
  fields: Pick<Store, 'name' | 'url' | 'currency' | 'allowedOrigins'> & {
    restoreUrlTemplate?: string | null
    settings?: Store['settings']
  },
  changes: ExperimentChange[] = [],
): Promise<Store> {
  return insertStore(
    db,
    {
      id: newId('st'),
      name: fields.name,
      url: fields.url,
      currency: fields.currency,
      publishableKey: newId('pk'),
      allowedOrigins: [...new Set(fields.allowedOrigins)],
      woocommerceWebhookSecret: newId('whsec'),
      restoreUrlTemplate: fields.restoreUrlTemplate ?? null,
      settings: fields.settings ?? SettingsSchema.parse({}),
    },
    changes,
  )
}

export async function updateStore(
  db: D1Database,
  id: string,
  patch: Partial<Omit<NewStore, 'id' | 'publishableKey'>> & { woocommerceApi?: string | null },
  /** Experiments the new settings start or end, listed in the same batch (issue 15). */
  changes: ExperimentChange[] = [],
): Promise<Store | null> {
  const now = Date.now()
  const update = drizzle(db)
    .update(stores)
    // updated_at is the settings version carts compare (cartPolicy): strictly increasing, even
    // for two updates in the same millisecond.
    .set({ ...patch, updatedAt: sql`max(${stores.updatedAt} + 1, ${now})` })
    .where(eq(stores.id, id))
    .returning()
  const writes = experimentWrites(db, id, changes)
  const row =
    writes.length > 0 ? (await drizzle(db).batch([update, ...writes]))[0][0] : await update.get()
  if (!row) return null
  forgetCachedStore(row)
  return toStore(row)
}

/** Drops this isolate's cached copies of a store after a write that bypassed `updateStore`. */
export function forgetCachedStore(store: { id: string; publishableKey: string }): void {
  byKey.delete(store.publishableKey)
  byId.delete(store.id)
  originAllowed.clear()
}
