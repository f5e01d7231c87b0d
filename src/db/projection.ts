import type { CartReport } from '../domain/cart/report'
import type { OrderReport } from '../domain/cart/types'
import type { MessageReport } from '../domain/message/report'

// An order row follows its cart, with one exception: the cart a signed webhook credited takes the
// row from a cart that only the storefront reported it for (see docs/design/orders.md).
// Every write below is guarded twice: a tombstone at or above the report's revision means the
// cart was erased, and ON CONFLICT ... WHERE keeps a newer row from an older, late report.
const NOT_ERASED = `NOT EXISTS (SELECT 1 FROM cart_tombstones t
  WHERE t.store_id = ?1 AND t.cart_id = ?2 AND t.revision >= ?3)`

const UPSERT_CART = `INSERT INTO carts (store_id, cart_id, revision, status, currency, total,
  item_count, email, phone, created_at, updated_at, last_activity_at, abandoned_at, restored_at,
  recovered_at, converted_at, lost_at, order_id, recovered_revenue, revenue_currency,
  recovered_step, recovered_channel, channels, clicked_at, step_id, steps_done, steps_total,
  abandon_due_at, experiment_arm, experiment_period, recovered_variant, experiment_reach)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
  ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32
WHERE ${NOT_ERASED}
ON CONFLICT (store_id, cart_id) DO UPDATE SET revision = excluded.revision,
  status = excluded.status, currency = excluded.currency, total = excluded.total,
  item_count = excluded.item_count, email = excluded.email, phone = excluded.phone,
  updated_at = excluded.updated_at, last_activity_at = excluded.last_activity_at,
  abandoned_at = excluded.abandoned_at, restored_at = excluded.restored_at,
  recovered_at = excluded.recovered_at, converted_at = excluded.converted_at,
  lost_at = excluded.lost_at, order_id = excluded.order_id,
  recovered_revenue = excluded.recovered_revenue, revenue_currency = excluded.revenue_currency,
  recovered_step = excluded.recovered_step, recovered_channel = excluded.recovered_channel,
  channels = excluded.channels, clicked_at = excluded.clicked_at, step_id = excluded.step_id,
  steps_done = excluded.steps_done, steps_total = excluded.steps_total,
  abandon_due_at = excluded.abandon_due_at, experiment_arm = excluded.experiment_arm,
  experiment_period = excluded.experiment_period, recovered_variant = excluded.recovered_variant,
  experiment_reach = excluded.experiment_reach
WHERE excluded.revision > carts.revision`

/**
 * A cart's step variant (issue 15): the latest episode's, never an older report's, and nothing
 * for an erased cart.
 */
const UPSERT_ASSIGNMENT = `INSERT INTO assignments (store_id, cart_id, experiment, variant,
  assigned_at)
SELECT ?1, ?2, ?4, ?5, ?6 WHERE ${NOT_ERASED}
ON CONFLICT (store_id, cart_id, experiment) DO UPDATE SET variant = excluded.variant,
  assigned_at = excluded.assigned_at
WHERE excluded.assigned_at > assignments.assigned_at`

/**
 * Withdraws the variants of the cart's current episode its newest report no longer lists: the
 * step's experiment was replaced or ended before the variant was sent, so it never counted for
 * it (earlier episodes' rows stay: they count for nothing now). Only the newest report does it:
 * the carts row holds its revision once its upsert took it.
 */
const WITHDRAW_ASSIGNMENTS = `DELETE FROM assignments WHERE store_id = ?1 AND cart_id = ?2
  AND assigned_at >= ?4 AND experiment NOT IN (SELECT value FROM json_each(?5))
  AND EXISTS (SELECT 1 FROM carts k WHERE k.store_id = ?1 AND k.cart_id = ?2 AND k.revision = ?3)`

const UPSERT_ORDER = `INSERT INTO orders (store_id, cart_id, revision, order_id, status, paid,
  total, refunded, currency, source, placed_at, updated_at)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12
WHERE ${NOT_ERASED}
ON CONFLICT (store_id, order_id) DO UPDATE SET cart_id = excluded.cart_id,
  revision = excluded.revision, status = excluded.status, paid = excluded.paid,
  total = excluded.total, refunded = excluded.refunded, currency = excluded.currency,
  source = excluded.source, placed_at = excluded.placed_at, updated_at = excluded.updated_at
WHERE orders.cart_id IS NULL
  OR (orders.cart_id = excluded.cart_id AND excluded.revision > orders.revision)
  OR (orders.source = 'storefront' AND excluded.source = 'webhook')`

/** The `carts` row `k` still holds the contact row `contacts`' address (its activity counts). */
export const HOLDS = `((contacts.kind = 'email' AND k.email = contacts.value)
  OR (contacts.kind = 'phone' AND k.phone = contacts.value))`

// A contact row names the contact's latest cart. It is written when it first appears and when
// another cart takes it over, not with every report of the same cart (a billed row each time):
// the named cart's own row in `carts` holds its latest activity, which is what a newer cart is
// compared with here and what `latestCartForContact` reads. `last_activity_at` here is the
// activity at the takeover, used when the named cart's row is gone or no longer holds the address.
const UPSERT_CONTACT = `INSERT INTO contacts (store_id, cart_id, kind, value, last_activity_at)
SELECT ?1, ?2, ?4, ?5, ?6
WHERE ${NOT_ERASED}
ON CONFLICT (store_id, kind, value) DO UPDATE SET cart_id = excluded.cart_id,
  last_activity_at = excluded.last_activity_at
WHERE contacts.cart_id IS NOT excluded.cart_id
  AND excluded.last_activity_at >= COALESCE((SELECT k.last_activity_at FROM carts k
    WHERE k.store_id = contacts.store_id AND k.cart_id = contacts.cart_id AND ${HOLDS}),
    contacts.last_activity_at)`

/**
 * Writes a batch of cart reports to D1 in one round trip (one transaction). Keeps only the
 * newest report per cart from the batch; replaying a batch changes nothing.
 */
export async function writeCartReports(db: D1Database, reports: CartReport[]): Promise<number> {
  const latest = new Map<string, CartReport>()
  for (const r of reports) {
    const key = `${r.storeId}:${r.cartId}`
    const seen = latest.get(key)
    if (!seen || seen.revision < r.revision) latest.set(key, r)
  }
  const statements: D1PreparedStatement[] = []
  for (const r of latest.values()) {
    statements.push(
      db.prepare(UPSERT_CART).bind(
        r.storeId,
        r.cartId,
        r.revision,
        r.status,
        r.currency,
        r.total,
        r.itemCount,
        r.email,
        r.phone,
        r.createdAt,
        r.updatedAt,
        r.lastActivityAt,
        r.abandonedAt,
        r.restoredAt,
        r.recoveredAt,
        r.convertedAt,
        r.lostAt,
        r.order?.id ?? null,
        r.recoveredRevenue,
        r.revenueCurrency,
        r.recoveredStep,
        r.recoveredChannel,
        r.channels,
        r.clickedAt,
        r.stepId,
        r.stepsDone,
        r.stepsTotal,
        // A report queued by an older build lacks the newer fields: D1 refuses `undefined`,
        // which would fail the whole batch again and again.
        r.abandonDueAt ?? null,
        r.experimentArm ?? null,
        r.experimentPeriod ?? null,
        r.recoveredVariant ?? null,
        r.experimentReach ?? null,
      ),
    )
    if (r.assignments && r.abandonedAt !== null) {
      const listed = JSON.stringify(r.assignments.map((a) => a.experiment))
      statements.push(
        db
          .prepare(WITHDRAW_ASSIGNMENTS)
          .bind(r.storeId, r.cartId, r.revision, r.abandonedAt, listed),
      )
    }
    for (const a of r.assignments ?? []) {
      statements.push(
        db
          .prepare(UPSERT_ASSIGNMENT)
          .bind(r.storeId, r.cartId, r.revision, a.experiment, a.variant, a.at),
      )
    }
    if (r.order) {
      const o = r.order
      statements.push(
        db
          .prepare(UPSERT_ORDER)
          .bind(r.storeId, r.cartId, r.revision, ...orderColumns(o), r.updatedAt),
      )
    }
    for (const [kind, value] of [
      ['email', r.email],
      ['phone', r.phone],
    ] as const) {
      if (!value) continue
      statements.push(
        db
          .prepare(UPSERT_CONTACT)
          .bind(r.storeId, r.cartId, r.revision, kind, value, r.lastActivityAt),
      )
    }
  }
  if (statements.length > 0) await db.batch(statements)
  return latest.size
}

const UPSERT_MESSAGE = `INSERT INTO messages (id, store_id, cart_id, step_id, channel, "to", status,
  subject, preheader, text, html, provider, provider_id, error, created_at, updated_at, variant,
  experiment)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18
WHERE NOT EXISTS (SELECT 1 FROM cart_tombstones t
  WHERE t.store_id = ?2 AND t.cart_id = ?3 AND t.erased_at >= ?15)
ON CONFLICT (id) DO UPDATE SET status = excluded.status,
  provider_id = COALESCE(excluded.provider_id, messages.provider_id),
  error = excluded.error, updated_at = excluded.updated_at
WHERE excluded.updated_at >= messages.updated_at
  AND NOT (excluded.status IN ('unknown', 'accepted')
    AND messages.status NOT IN ('unknown', 'accepted') AND messages.provider_id IS NOT NULL)`

/**
 * Writes messages in one batch; a replay or an older report changes nothing. Our own interim
 * statuses (`unknown`, `accepted`) never replace one a provider's callback reported: Twilio's
 * callback can land before the answer to our call is written. A callback always leaves the SID;
 * a row without one holds only our own writes, so a retry under the same id (after a refusal
 * listed `failed`) lists it again.
 */
export async function writeMessageReports(db: D1Database, reports: MessageReport[]): Promise<void> {
  if (reports.length === 0) return
  await db.batch(
    reports.map((m) =>
      db
        .prepare(UPSERT_MESSAGE)
        .bind(
          m.id,
          m.storeId,
          m.cartId,
          m.stepId,
          m.channel,
          m.to,
          m.status,
          m.subject,
          m.preheader,
          m.text,
          m.html,
          m.provider,
          m.providerId,
          m.error,
          m.createdAt,
          m.updatedAt,
          m.variant ?? null,
          m.experiment ?? null,
        ),
    ),
  )
}

/**
 * A text listed `unknown` before a provider call that never happened (the send was cut off
 * before it, then cancelled or skipped): it now says it was not sent. A row a status callback
 * reached (it has a SID) is left alone.
 */
export async function withdrawMessage(db: D1Database, id: string, reason: string): Promise<void> {
  await db
    .prepare(
      `UPDATE messages SET status = 'failed', error = ?2, updated_at = ?3
       WHERE id = ?1 AND status = 'unknown' AND provider_id IS NULL`,
    )
    .bind(id, reason, Date.now())
    .run()
}

/** An order's columns in the order both statements bind them: id … placed_at. */
function orderColumns(
  o: Pick<
    OrderReport,
    'id' | 'status' | 'paid' | 'total' | 'refunded' | 'currency' | 'source' | 'placedAt'
  >,
) {
  return [o.id, o.status, o.paid ? 1 : 0, o.total, o.refunded, o.currency, o.source, o.placedAt]
}

/** Records an order no cart could be matched to, without touching a matched row. */
export async function recordUnmatchedOrder(
  db: D1Database,
  storeId: string,
  o: OrderReport,
): Promise<void> {
  const now = Date.now()
  await db
    .prepare(
      `INSERT INTO orders (store_id, order_id, cart_id, status, paid, total, refunded, currency,
         source, placed_at, revision, updated_at)
       VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)
       ON CONFLICT (store_id, order_id) DO UPDATE SET status = excluded.status,
         paid = excluded.paid, total = excluded.total, refunded = excluded.refunded,
         updated_at = excluded.updated_at
       WHERE orders.cart_id IS NULL`,
    )
    .bind(storeId, ...orderColumns(o), now)
    .run()
}

/** Erases a cart's reporting rows and leaves a tombstone so late reports cannot restore them. */
export async function eraseCartRows(
  db: D1Database,
  storeId: string,
  cartId: string,
  revision: number,
): Promise<void> {
  await db.batch([
    db
      .prepare(
        `INSERT INTO cart_tombstones (store_id, cart_id, revision, erased_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (store_id, cart_id) DO UPDATE SET revision = MAX(revision, excluded.revision),
           erased_at = excluded.erased_at`,
      )
      .bind(storeId, cartId, revision, Date.now()),
    db.prepare('DELETE FROM carts WHERE store_id = ?1 AND cart_id = ?2').bind(storeId, cartId),
    db.prepare('DELETE FROM orders WHERE store_id = ?1 AND cart_id = ?2').bind(storeId, cartId),
    db.prepare('DELETE FROM contacts WHERE store_id = ?1 AND cart_id = ?2').bind(storeId, cartId),
    db.prepare('DELETE FROM messages WHERE store_id = ?1 AND cart_id = ?2').bind(storeId, cartId),
    db
      .prepare('DELETE FROM assignments WHERE store_id = ?1 AND cart_id = ?2')
      .bind(storeId, cartId),
    db
      .prepare('DELETE FROM short_links WHERE store_id = ?1 AND cart_id = ?2')
      .bind(storeId, cartId),
  ])
}
