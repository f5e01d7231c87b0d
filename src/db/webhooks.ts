/** A store's webhook endpoints in D1 (issue 16): the list, the secrets, enabling and disabling. */
import { and, asc, count, eq, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { type EventType, isEventType } from '../domain/webhook/events'
import { toBase64 } from '../lib/encoding'
import { newId } from '../lib/ids'
import { open, seal } from '../lib/secret-box'
import { iso } from '../lib/time'
import type { Endpoint } from '../views/webhooks'
import { stores, webhookEndpoints } from './schema'
import { forgetCachedStore } from './stores'

export type { Endpoint }

type Row = typeof webhookEndpoints.$inferSelect

/** How long a rotated-out secret keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000

function toEndpoint(row: Row): Endpoint {
  return {
    id: row.id,
    storeId: row.storeId,
    url: row.url,
    description: row.description,
    events: row.events.filter(isEventType),
    includeContact: row.includeContact === 1,
    status: row.status,
    disabledReason: row.disabledReason,
    disabledAt: row.disabledAt === null ? null : iso(row.disabledAt),
    previousSecretUntil:
      row.previousBox !== null && row.previousUntil !== null && row.previousUntil > Date.now()
        ? iso(row.previousUntil)
        : null,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  }
}

/**
 * Writes the event types the store's endpoints take now onto the store (`webhook_events`),
 * bumping its settings version (`updated_at`), so carts and contacts record those types from
 * their next look at the store (within the store cache's seconds) and no others.
 */
function refreshStoreEvents(db: D1Database, storeId: string, now: number) {
  return drizzle(db)
    .update(stores)
    .set({
      webhookEvents: sql`(SELECT CASE WHEN COUNT(*) = 0 THEN NULL ELSE json_group_array(value) END
        FROM (SELECT DISTINCT j.value FROM webhook_endpoints w, json_each(w.events) j
              WHERE w.store_id = ${storeId} ORDER BY j.value))`,
      updatedAt: sql`max(${stores.updatedAt} + 1, ${now})`,
    })
    .where(eq(stores.id, storeId))
    .returning({ id: stores.id, publishableKey: stores.publishableKey })
}

/** Drops this isolate's cached copies of the store (its webhook event types changed). */
function forgetStore(rows: { id: string; publishableKey: string }[]): void {
  for (const r of rows) forgetCachedStore(r)
}

/** A new signing secret: `whsec_` and 32 random bytes in base64, as Standard Webhooks issues. */
export function newSecret(): string {
  return `whsec_${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`
}

const byStore = (storeId: string, id: string) =>
  and(eq(webhookEndpoints.storeId, storeId), eq(webhookEndpoints.id, id))

export async function listEndpoints(db: D1Database, storeId: string): Promise<Endpoint[]> {
  const rows = await drizzle(db)
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.storeId, storeId))
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id))
  return rows.map(toEndpoint)
}

export async function endpointCount(db: D1Database, storeId: string): Promise<number> {
  const r = await drizzle(db)
    .select({ n: count() })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.storeId, storeId))
    .get()
  return r?.n ?? 0
}

export async function endpointById(
  db: D1Database,
  storeId: string,
  id: string,
): Promise<Endpoint | null> {
  const row = await drizzle(db).select().from(webhookEndpoints).where(byStore(storeId, id)).get()
  return row ? toEndpoint(row) : null
}

export type NewEndpoint = {
  storeId: string
  url: string
  description: string
  events: EventType[]
  includeContact: boolean
}

/** Creates an endpoint; the secret is returned here and never again. */
export async function createEndpoint(
  db: D1Database,
  key: string,
  input: NewEndpoint,
  now: number,
): Promise<{ endpoint: Endpoint; secret: string }> {
  const secret = newSecret()
  const row: Row = {
    id: newId('we'),
    ...input,
    includeContact: input.includeContact ? 1 : 0,
    secretBox: await seal(key, input.storeId, secret),
    previousBox: null,
    previousUntil: null,
    status: 'enabled',
    disabledReason: null,
    disabledAt: null,
    createdAt: now,
    updatedAt: now,
  }
  const [, store] = await drizzle(db).batch([
    drizzle(db).insert(webhookEndpoints).values(row),
    refreshStoreEvents(db, input.storeId, now),
  ])
  forgetStore(store)
  return { endpoint: toEndpoint(row), secret }
}

export type EndpointPatch = Partial<
  Pick<NewEndpoint, 'url' | 'description' | 'events' | 'includeContact'> & { enabled: boolean }
>

/** Changes an endpoint; enabling clears why it was disabled. Null when it does not exist. */
export async function updateEndpoint(
  db: D1Database,
  storeId: string,
  id: string,
  patch: EndpointPatch,
  now: number,
): Promise<Endpoint | null> {
  const { enabled, includeContact, ...rest } = patch
  const set: Partial<Row> = { ...rest, updatedAt: now }
  if (includeContact !== undefined) set.includeContact = includeContact ? 1 : 0
  if (enabled === true)
    Object.assign(set, { status: 'enabled', disabledReason: null, disabledAt: null })
  if (enabled === false)
    Object.assign(set, { status: 'disabled', disabledReason: 'merchant', disabledAt: now })
  const update = drizzle(db)
    .update(webhookEndpoints)
    .set(set)
    .where(byStore(storeId, id))
    .returning()
  const [rows, store] = patch.events
    ? await drizzle(db).batch([update, refreshStoreEvents(db, storeId, now)])
    : [await update, []]
  forgetStore(store)
  const row = rows[0]
  return row ? toEndpoint(row) : null
}

/** Removes an endpoint; false when there was none. */
export async function deleteEndpoint(db: D1Database, storeId: string, id: string) {
  const [rows, store] = await drizzle(db).batch([
    drizzle(db).delete(webhookEndpoints).where(byStore(storeId, id)).returning(),
    refreshStoreEvents(db, storeId, Date.now()),
  ])
  forgetStore(store)
  return rows.length > 0
}

/**
 * A new secret for the endpoint: the current one keeps signing beside it for 24 h. Rotating
 * again within them drops the oldest. Null when the endpoint does not exist.
 */
export async function rotateSecret(
  db: D1Database,
  key: string,
  storeId: string,
  id: string,
  now: number,
): Promise<{ secret: string; previousSecretUntil: string } | 'conflict' | null> {
  const row = await drizzle(db).select().from(webhookEndpoints).where(byStore(storeId, id)).get()
  if (!row) return null
  const secret = newSecret()
  const until = now + ROTATION_OVERLAP_MS
  const done = await drizzle(db)
    .update(webhookEndpoints)
    .set({
      secretBox: await seal(key, storeId, secret),
      previousBox: row.secretBox,
      previousUntil: until,
      updatedAt: now,
    })
    .where(and(byStore(storeId, id), eq(webhookEndpoints.secretBox, row.secretBox)))
    .returning({ id: webhookEndpoints.id })
    .get()
  // Another rotation won the race: this secret was never stored, so it must not be shown.
  if (!done) return 'conflict'
  return { secret, previousSecretUntil: iso(until) }
}

/** Which endpoints of a store take events, and which types: every one not deleted. */
export async function endpointRoutes(
  db: D1Database,
  storeId: string,
): Promise<{ id: string; events: string[]; enabled: boolean }[]> {
  const rows = await drizzle(db)
    .select({
      id: webhookEndpoints.id,
      events: webhookEndpoints.events,
      status: webhookEndpoints.status,
    })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.storeId, storeId))
  return rows.map((r) => ({ id: r.id, events: r.events, enabled: r.status === 'enabled' }))
}

/** What the endpoint's object needs to deliver: the URL, the secrets that sign now, and more. */
export type DeliveryConfig = {
  id: string
  storeId: string
  url: string
  enabled: boolean
  includeContact: boolean
  /** The current secret first, then the previous one while its 24 h last. */
  secrets: string[]
}

/**
 * The endpoint's delivery config at `now`; null when it was deleted; `unreadable` when its
 * secret no longer opens (SIGNING_SECRET was changed: rotate the endpoint's secret).
 */
export async function deliveryConfig(
  db: D1Database,
  key: string,
  id: string,
  now: number,
): Promise<DeliveryConfig | 'unreadable' | null> {
  const row = await drizzle(db)
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, id))
    .get()
  if (!row) return null
  const current = await open(key, row.storeId, row.secretBox)
  if (!current) return 'unreadable'
  const previous =
    row.previousBox && (row.previousUntil ?? 0) > now
      ? await open(key, row.storeId, row.previousBox)
      : null
  return {
    id: row.id,
    storeId: row.storeId,
    url: row.url,
    enabled: row.status === 'enabled',
    includeContact: row.includeContact === 1,
    secrets: previous ? [current.text, previous.text] : [current.text],
  }
}

/** Disables an endpoint for `reason` (`gone`, `failing`); false when it was already disabled. */
export async function disableEndpoint(
  db: D1Database,
  id: string,
  reason: string,
  now: number,
): Promise<boolean> {
  const r = await drizzle(db)
    .update(webhookEndpoints)
    .set({ status: 'disabled', disabledReason: reason, disabledAt: now, updatedAt: now })
    .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.status, 'enabled')))
    .returning({ id: webhookEndpoints.id })
    .get()
  return r !== undefined
}
