import { eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { type Settings, SettingsSchema } from '../domain/store/settings'
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

export type NewStore = Omit<Store, 'createdAt' | 'updatedAt'>

export async function insertStore(db: D1Database, store: NewStore): Promise<Store> {
  const now = Date.now()
  const row = await drizzle(db)
    .insert(stores)
    .values({ ...store, createdAt: now, updatedAt: now })
    .returning()
    .get()
  return toStore(row)
}

export async function updateStore(
  db: D1Database,
  id: string,
  patch: Partial<Omit<NewStore, 'id' | 'publishableKey'>>,
): Promise<Store | null> {
  const row = await drizzle(db)
    .update(stores)
    .set({ ...patch, updatedAt: Date.now() })
    .where(eq(stores.id, id))
    .returning()
    .get()
  if (!row) return null
  byKey.delete(row.publishableKey)
  originAllowed.clear()
  return toStore(row)
}
