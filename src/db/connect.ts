import { and, eq, gt, isNull } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { randomToken } from '../lib/ids'
import type { ConnectCodeView, PluginConnectionView } from '../views/connect'
import { createApiToken, revokeApiToken, sha256 } from './auth'
import { connectCodes, storeConnections } from './schema'

export type { ConnectCodeView, PluginConnectionView }

/** How long a connect code can be exchanged. */
export const CONNECT_CODE_TTL_MS = 10 * 60_000

/**
 * A new connect code for a store (`cbc_` + 24 base62 characters, about 143 bits). Only its
 * SHA-256 is kept, and the store's earlier codes go in the same batch: one live code per store.
 */
export async function issueConnectCode(
  db: D1Database,
  storeId: string,
  now = Date.now(),
): Promise<ConnectCodeView> {
  const code = `cbc_${randomToken(24)}`
  const expiresAt = now + CONNECT_CODE_TTL_MS
  const d = drizzle(db)
  await d.batch([
    d.delete(connectCodes).where(eq(connectCodes.storeId, storeId)),
    d.insert(connectCodes).values({
      codeHash: await sha256(code),
      storeId,
      createdAt: now,
      expiresAt,
    }),
  ])
  return { code, expiresAt: new Date(expiresAt).toISOString() }
}

/**
 * Uses a connect code once: the store it was issued for, or null when the code is unknown, used
 * or expired. The UPDATE only matches an unused, live row, so of two concurrent exchanges of one
 * code exactly one sees `changes === 1`.
 */
export async function claimConnectCode(
  db: D1Database,
  code: string,
  now = Date.now(),
): Promise<string | null> {
  const hash = await sha256(code)
  const d = drizzle(db)
  const row = await d
    .select({ storeId: connectCodes.storeId })
    .from(connectCodes)
    .where(eq(connectCodes.codeHash, hash))
    .get()
  if (!row) return null
  const res = await d
    .update(connectCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(connectCodes.codeHash, hash),
        isNull(connectCodes.usedAt),
        gt(connectCodes.expiresAt, now),
      ),
    )
    .run()
  return res.meta.changes === 1 ? row.storeId : null
}

/** A store's plugin connection, or null when no plugin is connected. */
export async function pluginConnection(
  db: D1Database,
  storeId: string,
): Promise<PluginConnectionView | null> {
  const row = await drizzle(db)
    .select()
    .from(storeConnections)
    .where(eq(storeConnections.storeId, storeId))
    .get()
  if (!row) return null
  return {
    siteUrl: row.siteUrl,
    restRoot: row.restRoot,
    version: row.pluginVersion,
    currency: row.currency,
    tokenId: row.tokenId,
    connectedAt: new Date(row.connectedAt).toISOString(),
  }
}

export type PluginReport = {
  siteUrl: string
  restRoot: string
  pluginVersion: string
  currency: string
}

/**
 * Connects a plugin to a store: a new read-write API token for that store only, the connection
 * row pointing at it, and the previous plugin token (if any) revoked. Returns the new token.
 */
export async function connectPlugin(
  db: D1Database,
  storeId: string,
  report: PluginReport,
): Promise<{ id: string; token: string }> {
  const before = await pluginConnection(db, storeId)
  const token = await createApiToken(db, {
    name: `WordPress plugin (${new URL(report.siteUrl).host})`,
    storeId,
    access: 'write',
  })
  const row = { ...report, tokenId: token.id, wcKeyId: null, connectedAt: Date.now() }
  await drizzle(db)
    .insert(storeConnections)
    .values({ storeId, ...row })
    .onConflictDoUpdate({ target: storeConnections.storeId, set: row })
    .run()
  if (before) await revokeApiToken(db, before.tokenId)
  return token
}

/** Notes the WooCommerce REST key id on the store's connection (the keys live on the store). */
/**
 * Takes WooCommerce's key grant for the store's current connection, once: true when this call
 * took it. A callback link replayed (from a log, a Referer) finds the key id set and changes
 * nothing; a new connect starts a new connection that may take one again.
 */
export async function claimWcKey(
  db: D1Database,
  grant: { storeId: string; tokenId: string; keyId: number },
): Promise<boolean> {
  const res = await db
    .prepare(
      `UPDATE store_connections SET wc_key_id = ?1
       WHERE store_id = ?2 AND token_id = ?3 AND wc_key_id IS NULL`,
    )
    .bind(grant.keyId, grant.storeId, grant.tokenId)
    .run()
  return res.meta.changes === 1
}

/** Forgets a store's plugin connection and revokes its token; false when there was none. */
export async function disconnectPlugin(db: D1Database, storeId: string): Promise<boolean> {
  const before = await pluginConnection(db, storeId)
  if (!before) return false
  await drizzle(db).delete(storeConnections).where(eq(storeConnections.storeId, storeId)).run()
  await revokeApiToken(db, before.tokenId)
  return true
}
