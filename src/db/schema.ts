import { sql } from 'drizzle-orm'
import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/**
 * Reporting and lookup tables. The CartObject owns each cart's truth; these rows are its
 * projection, written in batches by the Queue consumer (see docs/design/reporting.md).
 * Times are epoch milliseconds; money is integer minor units.
 */

export const stores = sqliteTable('stores', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  url: text('url').notNull(),
  currency: text('currency').notNull(),
  publishableKey: text('publishable_key').notNull().unique(),
  allowedOrigins: text('allowed_origins', { mode: 'json' }).$type<string[]>().notNull(),
  woocommerceWebhookSecret: text('woocommerce_webhook_secret').notNull(),
  restoreUrlTemplate: text('restore_url_template'),
  /** WooCommerce REST API keys for coupons, sealed (lib/secret-box); never returned. */
  woocommerceApi: text('woocommerce_api'),
  settings: text('settings', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  /**
   * The event types the store's webhook endpoints take (issue 16), kept by db/webhooks.ts with
   * every endpoint change: carts and contacts record only those. Null: none.
   */
  webhookEvents: text('webhook_events', { mode: 'json' }).$type<string[]>(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
})

// Triggers on this table (migration 0011; its update trigger as 0016 rewrote it) keep `cart_days`;
// drizzle-kit does not know them: a migration that rebuilds `carts` must create them again
// (docs/design/dashboard.md).
export const carts = sqliteTable(
  'carts',
  {
    storeId: text('store_id').notNull(),
    cartId: text('cart_id').notNull(),
    revision: integer('revision').notNull(),
    status: text('status').notNull(),
    currency: text('currency').notNull(),
    total: integer('total').notNull(),
    itemCount: integer('item_count').notNull(),
    email: text('email'),
    phone: text('phone'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    lastActivityAt: integer('last_activity_at').notNull(),
    /** When the cart noticed it was abandoned; `abandon_due_at` is the deadline it was for. */
    abandonedAt: integer('abandoned_at'),
    abandonDueAt: integer('abandon_due_at'),
    restoredAt: integer('restored_at'),
    recoveredAt: integer('recovered_at'),
    convertedAt: integer('converted_at'),
    lostAt: integer('lost_at'),
    orderId: text('order_id'),
    recoveredRevenue: integer('recovered_revenue').notNull().default(0),
    revenueCurrency: text('revenue_currency'),
    recoveredStep: text('recovered_step'),
    recoveredChannel: text('recovered_channel'),
    /** Channels a message went out on: 1 email, 2 SMS (bit mask), for the list's channel filter. */
    channels: integer('channels').notNull().default(0),
    /** The first click on any of the cart's links (the funnel's "clicked"). */
    clickedAt: integer('clicked_at'),
    /** Sequence progress: the last step sent, steps settled (sent, skipped, failed) and planned. */
    stepId: text('step_id'),
    stepsDone: integer('steps_done').notNull().default(0),
    stepsTotal: integer('steps_total').notNull().default(0),
    /** The cart's holdout arm ("holdout" | "messaged") and period; null: in no experiment. */
    experimentArm: text('experiment_arm'),
    experimentPeriod: text('experiment_period'),
    /** The variant of the message the recovery is credited to, when that step had variants. */
    recoveredVariant: text('recovered_variant'),
    /** What the cart could be reached on when it entered its arm: email, phone, both, none. */
    experimentReach: text('experiment_reach'),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.cartId] }),
    // Why each index, its query plan and its size: docs/design/dashboard-speed.md.
    // Cart list, newest first, keyset on (updated_at, store_id, cart_id): one index per
    // combination of store and status, each in list order (no sort), each ending in `channels` so
    // the channel filter is read from the index, not the row.
    index('carts_store_updated').on(t.storeId, t.updatedAt, t.cartId, t.channels),
    index('carts_store_status_updated').on(t.storeId, t.status, t.updatedAt, t.cartId, t.channels),
    index('carts_updated').on(t.updatedAt, t.storeId, t.cartId, t.channels),
    index('carts_status_updated').on(t.status, t.updatedAt, t.storeId, t.cartId, t.channels),
    // Stats and overview over a time range: counted from the index alone (covering).
    index('carts_store_status_created').on(t.storeId, t.status, t.createdAt),
    index('carts_store_abandoned')
      .on(
        t.storeId,
        t.abandonedAt,
        t.status,
        t.currency,
        t.total,
        t.channels,
        t.clickedAt,
        t.restoredAt,
        t.recoveredAt,
      )
      .where(sql`abandoned_at IS NOT NULL`),
    index('carts_store_converted')
      .on(t.storeId, t.convertedAt)
      .where(sql`converted_at IS NOT NULL`),
    index('carts_store_recovered')
      .on(
        t.storeId,
        t.recoveredAt,
        t.recoveredChannel,
        t.recoveredStep,
        t.revenueCurrency,
        t.currency,
        t.recoveredRevenue,
      )
      .where(sql`recovered_at IS NOT NULL`),
    // Search: only the carts that have the value.
    index('carts_store_email').on(t.storeId, t.email).where(sql`email IS NOT NULL`),
    index('carts_store_phone').on(t.storeId, t.phone).where(sql`phone IS NOT NULL`),
    index('carts_store_order').on(t.storeId, t.orderId).where(sql`order_id IS NOT NULL`),
  ],
)

export const orders = sqliteTable(
  'orders',
  {
    storeId: text('store_id').notNull(),
    orderId: text('order_id').notNull(),
    cartId: text('cart_id'),
    status: text('status').notNull(),
    paid: integer('paid', { mode: 'boolean' }).notNull(),
    total: integer('total').notNull(),
    refunded: integer('refunded').notNull().default(0),
    currency: text('currency').notNull(),
    source: text('source').notNull(),
    placedAt: integer('placed_at').notNull(),
    /** The cart revision that wrote this row; unmatched orders use their update time. */
    revision: integer('revision').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.orderId] }),
    index('orders_store_cart').on(t.storeId, t.cartId),
    index('orders_store_placed').on(t.storeId, t.placedAt),
  ],
)

/** Store + normalised email or phone → the contact's latest cart, for order matching. */
export const contacts = sqliteTable(
  'contacts',
  {
    storeId: text('store_id').notNull(),
    kind: text('kind', { enum: ['email', 'phone'] }).notNull(),
    value: text('value').notNull(),
    cartId: text('cart_id').notNull(),
    lastActivityAt: integer('last_activity_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.kind, t.value] }),
    index('contacts_store_cart').on(t.storeId, t.cartId),
  ],
)

/**
 * What the overview and the stats sum, per store and UTC day (`day` = epoch ms / 86,400,000),
 * kept by triggers on `carts` (migrations 0011 and 0016) in the same transaction as every carts
 * write, so a long date range sums a few hundred rows instead of reading a million carts. One
 * row per kind: `created` (d1 = status), `abandoned` (d1 = currency; the funnel and the value at
 * risk), `converted`, `recovered` (d1 = channel, d2 = step, d3 = revenue currency; '' for none).
 */
export const cartDays = sqliteTable(
  'cart_days',
  {
    storeId: text('store_id').notNull(),
    kind: text('kind', { enum: ['created', 'abandoned', 'converted', 'recovered'] }).notNull(),
    day: integer('day').notNull(),
    d1: text('d1').notNull().default(''),
    d2: text('d2').notNull().default(''),
    d3: text('d3').notNull().default(''),
    n: integer('n').notNull().default(0),
    /** `abandoned`: the total of carts still at risk; `recovered`: the revenue. */
    value: integer('value').notNull().default(0),
    atRisk: integer('at_risk').notNull().default(0),
    messaged: integer('messaged').notNull().default(0),
    clicked: integer('clicked').notNull().default(0),
    restored: integer('restored').notNull().default(0),
    recovered: integer('recovered').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.kind, t.day, t.d1, t.d2, t.d3] })],
)

/**
 * Holdout figures per period, arm, day of abandonment, currency and reach (issue 15), kept by
 * triggers on `carts` (migration 0019) as `cart_days` is: a cart in an arm adds 1 to `carts`,
 * 1 to `recovered` once recovered, its revenue and the revenue's square (a double: an integer
 * square may overflow). `currency` is the revenue's (the cart's until an order says otherwise);
 * `reach` is the contact it had: email, phone, both or none (the figures per channel).
 */
export const armDays = sqliteTable(
  'arm_days',
  {
    storeId: text('store_id').notNull(),
    period: text('period').notNull(),
    arm: text('arm').notNull(),
    day: integer('day').notNull(),
    currency: text('currency').notNull(),
    reach: text('reach').notNull(),
    carts: integer('carts').notNull().default(0),
    recovered: integer('recovered').notNull().default(0),
    revenue: integer('revenue').notNull().default(0),
    squares: real('squares').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.period, t.arm, t.day, t.currency, t.reach] })],
)

/**
 * Step experiment figures per experiment, variant and day (issue 15), kept by triggers on
 * `assignments`, `messages` and `carts` (migration 0019). Rows with `currency` '' hold the
 * carts given the variant (by the day they were given it) and its messages (by the day they
 * were made): sent (every one but a failure), delivered, clicked (its restore link rebuilt the
 * cart). Rows with a currency hold the outcomes of the carts given it in their current
 * episode: one recovered cart, its revenue and the revenue's square.
 */
export const variantDays = sqliteTable(
  'variant_days',
  {
    storeId: text('store_id').notNull(),
    experiment: text('experiment').notNull(),
    variant: text('variant').notNull(),
    day: integer('day').notNull(),
    currency: text('currency').notNull(),
    /** Carts given the variant (the experiment's unit), whether or not it was then sent. */
    assigned: integer('assigned').notNull().default(0),
    sends: integer('sends').notNull().default(0),
    delivered: integer('delivered').notNull().default(0),
    clicked: integer('clicked').notNull().default(0),
    recovered: integer('recovered').notNull().default(0),
    revenue: integer('revenue').notNull().default(0),
    squares: real('squares').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.experiment, t.variant, t.day, t.currency] })],
)

/**
 * Which variant of a step experiment each cart was given (issue 15), from the cart's report:
 * one row per cart and experiment, the latest episode's (a lost cart that comes back is given
 * one again, the same for the same person).
 */
export const assignments = sqliteTable(
  'assignments',
  {
    storeId: text('store_id').notNull(),
    cartId: text('cart_id').notNull(),
    experiment: text('experiment').notNull(),
    variant: text('variant').notNull(),
    assignedAt: integer('assigned_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.cartId, t.experiment] }),
    index('assignments_experiment').on(t.storeId, t.experiment, t.variant),
  ],
)

/**
 * Every experiment a store has run (issue 15): holdout periods and step experiments, written
 * when a change of settings starts or ends one, so finished ones stay listed with their figures.
 */
export const experiments = sqliteTable(
  'experiments',
  {
    storeId: text('store_id').notNull(),
    /** The holdout period (`per_…`) or the step experiment (`exp_…`). */
    id: text('id').notNull(),
    kind: text('kind', { enum: ['holdout', 'step'] }).notNull(),
    /** The step compared (step experiments). */
    stepId: text('step_id'),
    /** The share held out (holdout periods). */
    percent: integer('percent'),
    /** The variants compared, in order (step experiments). */
    variants: text('variants', { mode: 'json' }).$type<string[]>(),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
    /** The variant made the only one when the experiment ended that way. */
    kept: text('kept'),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.id] }),
    index('experiments_store_started').on(t.storeId, t.startedAt),
  ],
)

/** Every message a cart sent (or tried to), fully rendered: the dev outbox reads it too. */
export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    storeId: text('store_id').notNull(),
    cartId: text('cart_id').notNull(),
    stepId: text('step_id').notNull(),
    channel: text('channel', { enum: ['email', 'sms'] }).notNull(),
    to: text('to').notNull(),
    /** sent, failed; then the provider's delivery events: delivered, opened, bounced, … */
    status: text('status').notNull(),
    subject: text('subject'),
    preheader: text('preheader'),
    text: text('text').notNull(),
    html: text('html'),
    provider: text('provider').notNull(),
    providerId: text('provider_id'),
    error: text('error'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /** Provider events, first time each happened. */
    deliveredAt: integer('delivered_at'),
    openedAt: integer('opened_at'),
    /** The first time its restore link rebuilt the cart (not the provider's click tracking). */
    clickedAt: integer('clicked_at'),
    /** The step's variant this message was, and that variant's experiment (issue 15). */
    variant: text('variant'),
    experiment: text('experiment'),
  },
  (t) => [
    index('messages_store_created').on(t.storeId, t.createdAt),
    index('messages_experiment').on(t.storeId, t.experiment, t.variant),
    index('messages_store_cart').on(t.storeId, t.cartId, t.createdAt),
    index('messages_provider').on(t.provider, t.providerId),
  ],
)

/**
 * Addresses that must get nothing more from a store on a channel: unsubscribe links, one-click
 * POSTs, bounces and complaints, opt-out texts. Checked right before every send.
 */
export const suppressions = sqliteTable(
  'suppressions',
  {
    storeId: text('store_id').notNull(),
    channel: text('channel', { enum: ['email', 'sms'] }).notNull(),
    address: text('address').notNull(),
    source: text('source').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.channel, t.address] })],
)

/** Short restore links for texts: /s/<code> stands for /r/<token>. */
export const shortLinks = sqliteTable('short_links', {
  code: text('code').primaryKey(),
  storeId: text('store_id').notNull(),
  cartId: text('cart_id').notNull(),
  token: text('token').notNull(),
  expiresAt: integer('expires_at').notNull(),
})

/** Erased carts: reports at or below this revision are dropped so nothing comes back. */
export const cartTombstones = sqliteTable(
  'cart_tombstones',
  {
    storeId: text('store_id').notNull(),
    cartId: text('cart_id').notNull(),
    revision: integer('revision').notNull(),
    erasedAt: integer('erased_at').notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [primaryKey({ columns: [t.storeId, t.cartId] })],
)

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

// The WordPress sites connected to a store (issue 13).
export * from './schema-connect'

// A store's outbound webhook endpoints (issue 16).
export * from './schema-webhooks'
