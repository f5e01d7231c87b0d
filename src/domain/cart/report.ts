import type { MessageReport } from '../message/report'
import { recoveredRevenue } from './machine'
import type { CartState, Order } from './types'

/**
 * The row the reporting pipeline keeps for a cart (D1 `carts`, `orders`, `contacts`).
 * Carries the revision so that a late, older message never overwrites a newer one.
 */
export type CartReport = {
  kind: 'cart'
  storeId: string
  cartId: string
  revision: number
  status: CartState['status']
  currency: string
  total: number
  itemCount: number
  email: string | null
  phone: string | null
  createdAt: number
  updatedAt: number
  lastActivityAt: number
  /** When the cart noticed it was abandoned (its alarm ran). */
  abandonedAt: number | null
  /** The inactivity deadline it was abandoned for: `abandonedAt` minus this is the lateness. */
  abandonDueAt: number | null
  restoredAt: number | null
  recoveredAt: number | null
  convertedAt: number | null
  lostAt: number | null
  recoveredRevenue: number
  /** The currency of the recovered revenue: the order's, which may differ from the cart's. */
  revenueCurrency: string | null
  /** The message the recovery is credited to (null: recovered on its own). */
  recoveredStep: string | null
  recoveredChannel: 'email' | 'sms' | null
  /** The variant of the message credited, when its step had variants (issue 15). */
  recoveredVariant?: string | null
  /** Channels a message was sent on: 1 email, 2 SMS. */
  channels: number
  /** The first click on one of the cart's links. */
  clickedAt: number | null
  /** The last step sent, and how far the sequence got (settled of planned steps). */
  stepId: string | null
  stepsDone: number
  stepsTotal: number
  /** The cart's holdout arm and period (issue 15); null in no experiment. */
  experimentArm: 'holdout' | 'messaged' | null
  experimentPeriod: string | null
  /** What the cart could be reached on when it entered its arm (the figures per channel). */
  experimentReach?: 'email' | 'phone' | 'both' | 'none' | null
  /**
   * The step variants this episode was given (issue 15): each step experiment's unit, counted
   * whether or not its message then went out.
   */
  assignments?: { experiment: string; variant: string; at: number }[]
  order: Pick<
    Order,
    'id' | 'status' | 'paid' | 'total' | 'refunded' | 'currency' | 'source' | 'placedAt'
  > | null
}

/** Projects a cart's state onto its reporting row. */
export function cartReport(s: CartState): CartReport {
  return {
    kind: 'cart',
    storeId: s.storeId,
    cartId: s.cartId,
    revision: s.revision,
    status: s.status,
    currency: s.currency,
    total: s.total,
    itemCount: s.items.reduce((n, i) => n + i.quantity, 0),
    email: s.contact.email ?? null,
    phone: s.contact.phone ?? null,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    lastActivityAt: s.lastActivityAt,
    abandonedAt: s.abandonedAt,
    abandonDueAt: s.abandonDueAt,
    restoredAt: s.restoredAt,
    recoveredAt: s.recoveredAt,
    convertedAt: s.convertedAt,
    lostAt: s.lostAt,
    recoveredRevenue: recoveredRevenue(s),
    revenueCurrency: s.recoveredAt !== null && s.order ? s.order.currency : null,
    recoveredStep: s.recoveredAt !== null ? (s.attribution?.step ?? null) : null,
    recoveredChannel: s.recoveredAt !== null ? (s.attribution?.channel ?? null) : null,
    recoveredVariant: s.recoveredAt !== null ? (s.attribution?.variant ?? null) : null,
    ...progressOf(s),
    experimentArm: s.experiment?.arm ?? null,
    experimentPeriod: s.experiment?.period ?? null,
    experimentReach: s.experiment?.reach ?? null,
    assignments: s.runs.flatMap((r) =>
      r.experiment !== null && r.variant !== null
        ? [
            {
              experiment: r.experiment,
              variant: r.variant,
              // A run given its variant before `variantAt` was kept: never before the episode.
              at: r.variantAt ?? Math.max(r.dueAt, s.abandonedAt ?? r.dueAt),
            },
          ]
        : [],
    ),
    order: s.order
      ? {
          id: s.order.id,
          status: s.order.status,
          paid: s.order.paid,
          total: s.order.total,
          refunded: s.order.refunded,
          currency: s.order.currency,
          source: s.order.source,
          placedAt: s.order.placedAt,
        }
      : null,
  }
}

/** What may change between an anonymous active cart's reports while they wait to go together. */
const MAY_WAIT: ReadonlySet<keyof CartReport> = new Set([
  'revision',
  'total',
  'itemCount',
  'updatedAt',
  'lastActivityAt',
])

/**
 * Whether `next` may wait to be reported together with later changes, `published` being the
 * report last sent: both are of an active cart with no email and no phone, and they differ only
 * in its items (total, count, times). Anything else (a status, a contact, a click, an order)
 * is reported at once.
 *
 * @example reportMayWait(cartReport(before), cartReport(afterAnItemChange)) // true
 */
export function reportMayWait(published: CartReport, next: CartReport): boolean {
  const anonymousActive = (r: CartReport) =>
    r.status === 'active' && r.email === null && r.phone === null
  if (!anonymousActive(published) || !anonymousActive(next)) return false
  for (const key of Object.keys(next) as (keyof CartReport)[]) {
    if (MAY_WAIT.has(key)) continue
    const a = published[key]
    const b = next[key]
    if (a !== b && JSON.stringify(a) !== JSON.stringify(b)) return false
  }
  return true
}

const CHANNEL_BIT = { email: 1, sms: 2 } as const
const SETTLED = new Set(['sent', 'skipped', 'failed'])

/** Which channels reached the shopper, the first click, and the sequence's progress. */
function progressOf(s: CartState) {
  let channels = 0
  let clickedAt: number | null = null
  let stepId: string | null = null
  let stepsDone = 0
  for (const r of s.runs) {
    if (r.status === 'sent') {
      channels |= CHANNEL_BIT[r.channel]
      stepId = r.id
    }
    if (SETTLED.has(r.status)) stepsDone++
    if (r.clickedAt !== null && (clickedAt === null || r.clickedAt < clickedAt)) {
      clickedAt = r.clickedAt
    }
  }
  return { channels, clickedAt, stepId, stepsDone, stepsTotal: s.runs.length }
}

/** What the reporting Queue carries. */
export type Report = CartReport | MessageReport
