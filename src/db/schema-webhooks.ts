import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

// A store's outbound webhook endpoints (issue 16). Re-exported by schema.ts, which drizzle-kit
// reads. What each endpoint was sent, and each attempt, are kept by its own Durable Object
// (objects/webhook-endpoint.ts), not here; docs/design/webhooks.md.

/**
 * One endpoint. Its signing secrets are sealed (lib/secret-box, bound to the store) and never
 * returned after creation. During a rotation the previous secret keeps signing until
 * `previousUntil`.
 */
export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    storeId: text('store_id').notNull(),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    /** The event types it receives, as a JSON array in the README's order. */
    events: text('events', { mode: 'json' }).$type<string[]>().notNull(),
    /** Contact details unmasked (1) or masked (0). */
    includeContact: integer('include_contact').notNull().default(0),
    secretBox: text('secret_box').notNull(),
    previousBox: text('previous_box'),
    previousUntil: integer('previous_until'),
    /** `enabled`, or `disabled` (by the merchant, a 410, or 3 days of failures). */
    status: text('status', { enum: ['enabled', 'disabled'] })
      .notNull()
      .default('enabled'),
    disabledReason: text('disabled_reason'),
    disabledAt: integer('disabled_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('webhook_endpoints_store').on(t.storeId, t.createdAt)],
)
