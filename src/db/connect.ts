import { and, eq, gt, isNull } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { randomToken } from '../lib/ids'
import type { ConnectCodeView, PluginConnectionView } from '../views/connect'
import { mintApiToken, sha256 } from './auth'
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
 * The store a connect code was issued for while it is unused and unexpired, or null. Only a read:
 * `connectPlugin` uses the code up, in the same batch as everything the connect writes.
 */
export async function liveConnectCode(
  db: D1Database,
  code: string,
  now = Date.now(),
): Promise<{ codeHash: string; storeId: string } | null> {
  const codeHash = await sha256(code)
  const row = await drizzle(db)
    .select({ storeId: connectCodes.storeId })
    .from(connectCodes)
    .where(
      and(
        eq(connectCodes.codeHash, codeHash),
        isNull(connectCodes.usedAt),
        gt(connectCodes.expiresAt, now),
      ),
    )
    .get()
  return row ? { codeHash, storeId: row.storeId } : null
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
 * Connects a plugin to a store with the code `liveConnectCode` found, in ONE `db.batch` (one D1
 * transaction, so a failure leaves nothing half-done): a new read-write API token for that store
 * only, the code used up, the previous plugin token revoked, the origin the previous connection
 * added taken back, the connection row written and the site's origin allowed. Returns the new
 * token, or null when the code was used (or expired) in the meantime.
 *
 * The code is guarded inside the batch: the token INSERT is the claim. It only inserts while the
 * code is unused and unexpired, and every later statement runs only if that token row exists.
 * Batches run one after another, so of two exchanges of one code exactly one inserts its token;
 * the other batch changes nothing and gets null. The new token's random id, not the time, marks
 * whose claim it was: two exchanges in the same millisecond cannot both pass, as `used_at = now`
 * would let them.
 */
export async function connectPlugin(
  db: D1Database,
  claim: { codeHash: string; storeId: string },
  report: PluginReport,
  now = Date.now(),
): Promise<{ id: string; token: string } | null> {
  const t = await mintApiToken()
  const name = `WordPress plugin (${new URL(report.siteUrl).host})`
  const origin = new URL(report.siteUrl).origin
  const s = claim.storeId
  const claimed = 'EXISTS (SELECT 1 FROM api_tokens WHERE id = ?1)'
  const [inserted] = await db.batch([
    db
      .prepare(
        `INSERT INTO api_tokens (id, name, token_hash, prefix, created_at, store_id, access)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, 'write' WHERE EXISTS (SELECT 1 FROM connect_codes
           WHERE code_hash = ?7 AND store_id = ?6 AND used_at IS NULL AND expires_at > ?5)`,
      )
      .bind(t.id, name, t.tokenHash, t.prefix, now, s, claim.codeHash),
    db
      .prepare(`UPDATE connect_codes SET used_at = ?2 WHERE code_hash = ?3 AND ${claimed}`)
      .bind(t.id, now, claim.codeHash),
    db
      .prepare(
        `UPDATE api_tokens SET revoked_at = ?2 WHERE revoked_at IS NULL AND ${claimed}
         AND id = (SELECT token_id FROM store_connections WHERE store_id = ?3)`,
      )
      .bind(t.id, now, s),
    takeBackOrigin(db, claimed).bind(t.id, s, now),
    db
      .prepare(
        `INSERT INTO store_connections (store_id, site_url, rest_root, plugin_version, currency,
           token_id, wc_key_id, connected_at, added_origin)
         SELECT ?2, ?3, ?4, ?5, ?6, ?1, NULL, ?7, CASE WHEN EXISTS (SELECT 1 FROM stores,
           json_each(stores.allowed_origins) AS o WHERE stores.id = ?2 AND o.value = ?8)
           THEN NULL ELSE ?8 END
         WHERE ${claimed}
         ON CONFLICT (store_id) DO UPDATE SET site_url = excluded.site_url,
           rest_root = excluded.rest_root, plugin_version = excluded.plugin_version,
           currency = excluded.currency, token_id = excluded.token_id, wc_key_id = NULL,
           connected_at = excluded.connected_at, added_origin = excluded.added_origin`,
      )
      .bind(
        t.id,
        s,
        report.siteUrl,
        report.restRoot,
        report.pluginVersion,
        report.currency,
        now,
        origin,
      ),
    db
      .prepare(
        `UPDATE stores SET allowed_origins = json_insert(allowed_origins, '$[#]', ?3),
           updated_at = max(updated_at + 1, ?4)
         WHERE id = ?2 AND ${claimed}
           AND NOT EXISTS (SELECT 1 FROM json_each(stores.allowed_origins) WHERE value = ?3)`,
      )
      .bind(t.id, s, origin, now),
  ])
  return inserted?.meta.changes === 1 ? { id: t.id, token: t.token } : null
}

/**
 * Removes from the store's allowed origins the one its current connection added (none when the
 * merchant had it before connecting). Binds ?1 (for `guard`), ?2 the store id, ?3 now;
 * `updated_at` moves as `updateStore` moves it.
 */
function takeBackOrigin(db: D1Database, guard: string) {
  return db.prepare(
    `UPDATE stores SET allowed_origins = (SELECT json_group_array(value)
       FROM json_each(stores.allowed_origins) WHERE value IS NOT (SELECT added_origin
         FROM store_connections WHERE store_id = ?2)),
       updated_at = max(updated_at + 1, ?3)
     WHERE id = ?2 AND ${guard} AND EXISTS (SELECT 1 FROM store_connections
       WHERE store_id = ?2 AND added_origin IS NOT NULL)`,
  )
}

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

/**
 * Forgets a store's plugin connection in one batch: the origin it added is taken back, its token
 * revoked and its row deleted. False when there was none.
 */
export async function disconnectPlugin(db: D1Database, storeId: string): Promise<boolean> {
  const now = Date.now()
  const results = await db.batch([
    // No guard: it only acts while the connection row (deleted last) is there.
    takeBackOrigin(db, 'TRUE').bind(null, storeId, now),
    db
      .prepare(
        `UPDATE api_tokens SET revoked_at = ?2 WHERE revoked_at IS NULL
         AND id = (SELECT token_id FROM store_connections WHERE store_id = ?1)`,
      )
      .bind(storeId, now),
    db.prepare('DELETE FROM store_connections WHERE store_id = ?1').bind(storeId),
  ])
  return results.at(-1)?.meta.changes === 1
}
