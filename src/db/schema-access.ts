import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

// Who may reach Cartback: the dashboard's owner and sessions, API tokens, and the WordPress
// sites connected to a store. Re-exported by schema.ts, which drizzle-kit reads.

/** Dashboard users: the owner, created on first run from OWNER_EMAIL / OWNER_PASSWORD. */
export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  /** `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64url). */
  passwordHash: text('password_hash').notNull(),
  createdAt: integer('created_at').notNull(),
})

/** Dashboard sessions: the cookie carries the id, signed; logout and expiry end them here. */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user').on(t.userId)],
)

/** API tokens the owner creates for /api/v1; only a SHA-256 of each is kept. */
export const apiTokens = sqliteTable('api_tokens', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  /** The first characters, to tell tokens apart in the list. */
  prefix: text('prefix').notNull(),
  createdAt: integer('created_at').notNull(),
  lastUsedAt: integer('last_used_at'),
  revokedAt: integer('revoked_at'),
  /** The one store the token may reach; null: every store (issue 11, docs/design/api-tokens.md). */
  storeId: text('store_id'),
  /** `read` (GET only) or `write`. Tokens from before scoping (migration 0012) are `read`. */
  access: text('access', { enum: ['read', 'write'] })
    .notNull()
    .default('read'),
})

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
})
