import { z } from 'zod'
import { httpUrl } from '../../lib/schemas'

/** Current version of the persisted cart state. Bump it and add a migration in `parseState`. */
export const STATE_VERSION = 1

export const CART_STATUSES = [
  'active',
  'abandoned',
  'restored',
  'recovered',
  'converted',
  'lost',
  'archived',
  'ignored',
] as const

export const ItemSchema = z
  .object({
    id: z.string().trim().min(1).max(200),
    name: z.string().trim().min(1).max(500),
    // Bounds keep any cart's sum (≤ 250 lines) a safe integer: 250 × 1e9 × 1e4 < 2^53.
    price: z.number().int().min(0).max(1_000_000_000),
    quantity: z.number().int().min(1).max(10_000),
    image: httpUrl.optional(),
    url: httpUrl.optional(),
    variant: z.string().trim().max(500).optional(),
  })
  .strict()

export const ContactSchema = z.object({
  email: z.string().optional(),
  phone: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  timezone: z.string().optional(),
  locale: z.string().optional(),
})

export const ConsentSchema = z.object({
  channel: z.enum(['sms', 'email']),
  granted: z.boolean(),
  text: z.string(),
  at: z.number(),
  phone: z.string().optional(),
  email: z.string().optional(),
  ip: z.string().optional(),
  userAgent: z.string().optional(),
  page: z.string().optional(),
})

export const OrderSchema = z.object({
  id: z.string(),
  status: z.string(),
  paid: z.boolean(),
  total: z.number().int(),
  refunded: z.number().int(),
  currency: z.string(),
  source: z.enum(['webhook', 'storefront', 'merchant']),
  placedAt: z.number(),
  /** The source's own modification time, when it has one: orders older than it are stale. */
  modifiedAt: z.number().nullable().default(null),
  updatedAt: z.number(),
  /** Status before the order counted, so a cancellation can undo it. */
  statusBefore: z.enum(CART_STATUSES),
})

/** One step of the recovery sequence as this cart runs it. */
export const StepRunSchema = z.object({
  id: z.string(),
  channel: z.enum(['email', 'sms']),
  status: z.enum(['scheduled', 'deferred', 'sending', 'sent', 'skipped', 'failed', 'cancelled']),
  /** abandonedAt + the step's delay. */
  dueAt: z.number(),
  /** Set while deferred (quiet hours, daily cap): not before this time. */
  notBefore: z.number().nullable(),
  /** When it reached its current status. */
  at: z.number().nullable(),
  reason: z.string().nullable(),
  messageId: z.string().nullable(),
  /** The shopper clicked this step's link (restore link or tracked email click). */
  clickedAt: z.number().nullable().default(null),
  /** The coupon sent with this step, applied when its restore link is used. */
  coupon: z.string().nullable().default(null),
  /** The step's variant this cart was given when the step came due (issue 15); null: none. */
  variant: z.string().nullable().default(null),
  /** When it was given. */
  variantAt: z.number().nullable().default(null),
  /** The step's experiment that variant belongs to; null: in none (left out of its figures). */
  experiment: z.string().nullable().default(null),
})

/**
 * A restore link the storefront rebuilt this abandonment episode: the first rebuild is the
 * restore; later ones only count (`repeats`), so reopening a link never restarts attribution.
 */
export const RestoreSchema = z.object({
  /** The link's step (null: the merchant's link from the cart detail). */
  step: z.string().nullable(),
  at: z.number(),
  repeats: z.number().int(),
})

/** The message a recovery is credited to: the last one clicked, else the last one sent. */
export const AttributionSchema = z.object({
  step: z.string(),
  channel: z.enum(['email', 'sms']),
  via: z.enum(['click', 'send']),
  /** The variant that message was, and its experiment (issue 15): what was actually sent. */
  variant: z.string().nullable().default(null),
  experiment: z.string().nullable().default(null),
})

/**
 * The cart's side of its store's holdout experiment, decided once per episode, at the episode's
 * first abandonment (a lost cart that comes back starts a new one).
 */
export const ExperimentSchema = z.object({
  arm: z.enum(['holdout', 'messaged']),
  /** The experiment period the cart was assigned in: reports never mix periods. */
  period: z.string(),
  assignedAt: z.number(),
  /**
   * What the cart could be reached on when it was assigned: its figures per channel are counted
   * by it, whatever contact it gives later. Null in states from before it was kept.
   */
  reach: z.enum(['email', 'phone', 'both', 'none']).nullable().default(null),
})

export const CartStateSchema = z.object({
  version: z.literal(STATE_VERSION),
  storeId: z.string(),
  cartId: z.string(),
  /** Bumped on every change; the D1 projection keeps only the highest revision it has seen. */
  revision: z.number().int(),
  status: z.enum(CART_STATUSES),
  currency: z.string(),
  items: z.array(ItemSchema),
  total: z.number().int(),
  contact: ContactSchema,
  consents: z.array(ConsentSchema),
  page: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
  lastActivityAt: z.number(),
  /** When the cart noticed it was abandoned (its alarm's clock): at or after `abandonDueAt`. */
  abandonedAt: z.number().nullable(),
  /**
   * The inactivity deadline the cart was abandoned for (last activity + timeout). The steps, the
   * attribution window and the end of the episode count from it; `abandonedAt − abandonDueAt` is
   * how late the alarm ran. Set and cleared together with `abandonedAt`.
   */
  abandonDueAt: z.number().nullable(),
  restoredAt: z.number().nullable(),
  recoveredAt: z.number().nullable(),
  convertedAt: z.number().nullable(),
  lostAt: z.number().nullable(),
  abandonCount: z.number().int(),
  /** Status to return to on `unignore`. */
  heldFrom: z.enum(CART_STATUSES).nullable(),
  order: OrderSchema.nullable(),
  /** The sequence of the current abandonment episode; empty until the cart is abandoned. */
  runs: z.array(StepRunSchema).default([]),
  attribution: AttributionSchema.nullable().default(null),
  /** A newer cart of the same contact took over: this one starts no sequence. */
  supersededBy: z.string().nullable().default(null),
  /** One row per restore link rebuilt this episode; reset when a lost cart starts a new one. */
  restores: z.array(RestoreSchema).default([]),
  /** Its arm of the store's holdout (issue 15); null when none ran at its abandonment. */
  experiment: ExperimentSchema.nullable().default(null),
})

/**
 * Parses stored state, migrating older versions. Throws on state no version can read, which
 * is a bug, not user input.
 */
export function parseState(raw: unknown): z.infer<typeof CartStateSchema> | null {
  if (raw === undefined || raw === null) return null
  return CartStateSchema.parse(withDeadline(raw))
}

/** State stored before `abandonDueAt` existed stored the deadline itself as `abandonedAt`. */
function withDeadline(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || 'abandonDueAt' in raw) return raw
  const r = raw as { abandonedAt?: unknown }
  return { ...raw, abandonDueAt: r.abandonedAt ?? null }
}
