import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

// The WordPress plugin's connection to a store: its one-time codes and what it reported.
// Re-exported by schema.ts, which drizzle-kit reads.

/**
 * One-time connect codes a store's owner hands to the WordPress plugin (issue 13): only a
 * SHA-256 of each is kept; a code lives 10 minutes, is used once, and a new one replaces the
 * store's earlier codes (docs/design/wordpress-connect.md).
 */
export const connectCodes = sqliteTable(
  'connect_codes',
  {
    codeHash: text('code_hash').primaryKey(),
    storeId: text('store_id').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
  },
  (t) => [index('connect_codes_store').on(t.storeId)],
)

/** A store's connected WordPress plugin: what it reported and the API token it holds. */
export const storeConnections = sqliteTable('store_connections', {
  storeId: text('store_id').primaryKey(),
  siteUrl: text('site_url').notNull(),
  restRoot: text('rest_root').notNull(),
  pluginVersion: text('plugin_version').notNull(),
  /** The currency the shop reported (the store's own currency is not changed by it). */
  currency: text('currency').notNull(),
  /** The plugin's API token (`api_tokens.id`): revoked by the next connect and by disconnect. */
  tokenId: text('token_id').notNull(),
  /** WooCommerce's id of the REST key it granted (wc-auth callback), for the record. */
  wcKeyId: integer('wc_key_id'),
  connectedAt: integer('connected_at').notNull(),
  /**
   * The origin this connection added to the store's allowed origins, or null when the store
   * already allowed it: a reconnect from another URL and a disconnect take back only this one.
   */
  addedOrigin: text('added_origin'),
  /** The latest test event the plugin sent (`POST …/test-event`); the status's last event. */
  lastTestEventAt: integer('last_test_event_at'),
})
