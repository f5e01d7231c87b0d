import { eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { type Settings, SettingsSchema } from '../domain/store/settings'
import { newId } from '../lib/ids'
import { open } from '../lib/secret-box'
import { ttlCache } from '../lib/ttl-cache'
import { stores } from './schema'

/** A store as the API and the routes see it (never the drizzle row). */
export type Store = {
  id: string
  name: string
  url: string
  currency: string
  publishableKey: string
  allowedOrigins: string[]
  woocommerceWebhookSecret: string
  restoreUrlTemplate: string | null
  /** Whether coupon keys are set (their values never leave the database). */
  woocommerceApiConfigured: boolean
  settings: Settings
  createdAt: string
  updatedAt: string
}

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

export type NewStore = Omit<Store, 'createdAt' | 'updatedAt' | 'woocommerceApiConfigured'>

/** A store's WooCommerce REST API keys, opened from their sealed column. */
export async function woocommerceCredentials(
  db: D1Database,
  storeId: string,
  secret: string,
): Promise<{ url: string; consumerKey: string; consumerSecret: string } | null> {
  const row = await drizzle(db)
    .select({ url: stores.url, box: stores.woocommerceApi })
    .from(stores)
    .where(eq(stores.id, storeId))
    .get()
  if (!row?.box) return null
  const opened = await open(secret, row.box)
  if (!opened) return null
  const keys = JSON.parse(opened) as { consumerKey: string; consumerSecret: string }
  return { url: row.url, ...keys }
}

export async function insertStore(db: D1Database, store: NewStore): Promise<Store> {
  const now = Date.now()
  const row = await drizzle(db)
    .insert(stores)
    .values({ ...store, createdAt: now, updatedAt: now })
    .returning()
    .get()
  return toStore(row)
}

/** A new store with fresh ids and keys (`st_…`, `pk_…`, `whsec_…`); settings default. */
export function createStore(
  db: D1Database,
  fields: Pick<Store, 'name' | 'url' | 'currency' | 'allowedOrigins'> & {
    restoreUrlTemplate?: string | null
    settings?: Store['settings']
  },
): Promise<Store> {
  return insertStore(db, {
    id: newId('st'),
    name: fields.name,
    url: fields.url,
    currency: fields.currency,
    publishableKey: newId('pk'),
    allowedOrigins: [...new Set(fields.allowedOrigins)],
    woocommerceWebhookSecret: newId('whsec'),
    restoreUrlTemplate: fields.restoreUrlTemplate ?? null,
    settings: fields.settings ?? SettingsSchema.parse({}),
  })
}

export async function updateStore(
  db: D1Database,
  id: string,
  patch: Partial<Omit<NewStore, 'id' | 'publishableKey'>> & { woocommerceApi?: string | null },
): Promise<Store | null> {
  const row = await drizzle(db)
    .update(stores)
    // updated_at is the settings version carts compare (cartPolicy): strictly increasing, even
    // for two updates in the same millisecond.
    .set({ ...patch, updatedAt: sql`max(${stores.updatedAt} + 1, ${Date.now()})` })
    .where(eq(stores.id, id))
    .returning()
    .get()
  if (!row) return null
  byKey.delete(row.publishableKey)
  byId.delete(row.id)
  originAllowed.clear()
  return toStore(row)
}
