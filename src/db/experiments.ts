import { and, desc, eq, inArray, isNull, ne } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/d1'
import { type ArmPair, incrementalOf } from '../domain/experiment/incremental'
import type { ArmCounts } from '../domain/experiment/stats'
import { type VariantCounts, variantFiguresOf } from '../domain/experiment/variant-figures'
import type { ExperimentChange } from '../domain/store/changes'
import type { Experiment } from '../views/experiments'
import { experiments } from './schema'

const DAY = 86_400_000

/** A store's experiment as its history lists it. */
export type ExperimentRow = typeof experiments.$inferSelect

type ArmRow = {
  arm: string
  reach: string
  carts: number
  recovered: number
  revenue: number
  squares: number
}

/** What a cart could be reached on when it was abandoned, as `arm_days.reach` says it. */
const REACH = `COALESCE(experiment_reach, CASE WHEN email IS NOT NULL AND phone IS NOT NULL
  THEN 'both' WHEN email IS NOT NULL THEN 'email' WHEN phone IS NOT NULL THEN 'phone'
  ELSE 'none' END)`

/** Which store, period and currency, over abandonments in [from, to) (epoch ms). */
export type ArmQuery = {
  storeId: string
  period: string
  from: number
  to: number
  currency: string
}

/** The arms' rows (arm, reach) from the `arm_days` rollup: `from` and `to` whole UTC days. */
export function armRowsByDay(db: D1Database, q: ArmQuery) {
  return db
    .prepare(
      `SELECT arm, reach, SUM(carts) AS carts, SUM(recovered) AS recovered,
         SUM(CASE WHEN currency = ?5 THEN revenue ELSE 0 END) AS revenue,
         total(CASE WHEN currency = ?5 THEN squares END) AS squares
       FROM arm_days WHERE store_id = ?1 AND period = ?2 AND day >= ?3 AND day < ?4
       GROUP BY arm, reach`,
    )
    .bind(q.storeId, q.period, q.from / DAY, q.to / DAY, q.currency)
}

/** The same rows read from the carts themselves: any range, to the millisecond. */
export function armRowsByCart(db: D1Database, q: ArmQuery) {
  return db
    .prepare(
      `SELECT experiment_arm AS arm, ${REACH} AS reach, COUNT(*) AS carts,
         COUNT(recovered_at) AS recovered,
         total(CASE WHEN recovered_at IS NOT NULL
           AND COALESCE(revenue_currency, currency) = ?5 THEN recovered_revenue END) AS revenue,
         total(CASE WHEN recovered_at IS NOT NULL
           AND COALESCE(revenue_currency, currency) = ?5
           THEN CAST(recovered_revenue AS REAL) * recovered_revenue END) AS squares
       FROM carts
       WHERE store_id = ?1 AND abandoned_at >= ?3 AND abandoned_at < ?4
         AND experiment_period = ?2
       GROUP BY 1, 2`,
    )
    .bind(q.storeId, q.period, q.from, q.to, q.currency)
}

/**
 * Each arm's counts for one holdout period of a store, over the carts abandoned in [from, to),
 * overall and among the carts that had an email or a phone: carts, recovered carts, and the
 * recovered revenue in the store's currency summed and squared (revenue in another currency is
 * left out of the sums, the cart still counted).
 *
 * The whole UTC days inside the range are read from the `arm_days` rollup (a few rows a day,
 * whatever the number of carts); only the part days at its ends (an API range to the
 * millisecond, such as the default "the last 30 days to now") read the carts themselves: at
 * most two days of them. The twins give the same rows (src/db/experiments.test.ts).
 */
export async function armCounts(
  db: D1Database,
  q: ArmQuery,
): Promise<ArmPair & { byChannel: { email: ArmPair; sms: ArmPair } }> {
  const firstDay = Math.ceil(q.from / DAY) * DAY
  const lastDay = Math.floor(q.to / DAY) * DAY
  const stmts =
    firstDay >= lastDay
      ? [armRowsByCart(db, q)]
      : [
          armRowsByDay(db, { ...q, from: firstDay, to: lastDay }),
          ...(q.from < firstDay ? [armRowsByCart(db, { ...q, to: firstDay })] : []),
          ...(lastDay < q.to ? [armRowsByCart(db, { ...q, from: lastDay })] : []),
        ]
  const results = (await db.batch<ArmRow>(stmts)).flatMap((r) => r.results)
  const of = (arm: string, reaches: string[]): ArmCounts => {
    const rows = results.filter((r) => r.arm === arm && reaches.includes(r.reach))
    const sum = (k: 'carts' | 'recovered' | 'revenue' | 'squares') =>
      rows.reduce((n, r) => n + Number(r[k] ?? 0), 0)
    return {
      carts: sum('carts'),
      recovered: sum('recovered'),
      revenue: sum('revenue'),
      revenueSquares: sum('squares'),
    }
  }
  const pair = (reaches: string[]): ArmPair => ({
    holdout: of('holdout', reaches),
    messaged: of('messaged', reaches),
  })
  return {
    ...pair(['email', 'phone', 'both', 'none']),
    byChannel: { email: pair(['email', 'both']), sms: pair(['phone', 'both']) },
  }
}

/**
 * The history rows for experiments a change of settings started or ended (`settingsChange`),
 * as drizzle queries to run in the batch that stores the settings: both land or neither.
 */
export function experimentWrites(db: D1Database, storeId: string, changes: ExperimentChange[]) {
  const d = drizzle(db)
  const open = and(eq(experiments.storeId, storeId), isNull(experiments.endedAt))
  return changes.flatMap((c) =>
    c.change === 'ended'
      ? [
          d
            .update(experiments)
            .set({ endedAt: c.at, kept: c.kept })
            .where(and(open, eq(experiments.id, c.id))),
        ]
      : [
          // One running at a time for a step (or the holdout): one that two saves at once left
          // open is ended here, never listed as running beside its successor.
          d
            .update(experiments)
            .set({ endedAt: c.at })
            .where(
              and(
                open,
                eq(experiments.kind, c.kind),
                c.kind === 'step' ? eq(experiments.stepId, c.stepId) : undefined,
                ne(experiments.id, c.id),
              ),
            ),
          d
            .insert(experiments)
            .values({
              storeId,
              id: c.id,
              kind: c.kind,
              stepId: c.kind === 'step' ? c.stepId : null,
              percent: c.kind === 'holdout' ? c.percent : null,
              variants: c.kind === 'step' ? c.variants : null,
              startedAt: c.at,
            })
            .onConflictDoNothing(),
        ],
  )
}

/**
 * Each variant's counts in a step experiment over its whole life, from the `variant_days`
 * rollup, in the order of `variants` (a variant given to no cart yet has zeros): revenue and
 * its squares in the store's currency only.
 */
export async function variantCounts(
  db: D1Database,
  q: { storeId: string; experiment: string; variants: string[]; currency: string },
): Promise<VariantCounts[]> {
  const { results } = await db
    .prepare(
      `SELECT variant, SUM(assigned) AS assigned, SUM(sends) AS sends,
         SUM(delivered) AS delivered, SUM(clicked) AS clicked,
         SUM(recovered) AS recovered, SUM(CASE WHEN currency = ?3 THEN revenue ELSE 0 END) AS revenue,
         total(CASE WHEN currency = ?3 THEN squares END) AS squares
       FROM variant_days WHERE store_id = ?1 AND experiment = ?2 GROUP BY variant`,
    )
    .bind(q.storeId, q.experiment, q.currency)
    .all<Omit<VariantCounts, 'revenueSquares'> & { squares: number }>()
  return q.variants.map((variant) => {
    const r = results.find((x) => x.variant === variant)
    return {
      variant,
      assigned: r?.assigned ?? 0,
      sends: r?.sends ?? 0,
      delivered: r?.delivered ?? 0,
      clicked: r?.clicked ?? 0,
      recovered: r?.recovered ?? 0,
      revenue: r?.revenue ?? 0,
      revenueSquares: r?.squares ?? 0,
    }
  })
}

/** How many of a store's experiments are listed, newest first. */
export const EXPERIMENTS_LISTED = 50

/**
 * A store's experiments, newest first (at most `EXPERIMENTS_LISTED`), each with its figures
 * over its whole life: a holdout period's incremental figures, a step experiment's variants.
 * `only`: just those ids, however old (the stats' running ones), and of that kind.
 */
export async function storeExperiments(
  db: D1Database,
  store: { id: string; currency: string },
  now: number,
  only?: { ids?: string[]; kind?: 'holdout' | 'step' },
): Promise<Experiment[]> {
  if (only?.ids?.length === 0) return []
  const rows = await drizzle(db)
    .select()
    .from(experiments)
    .where(
      and(
        eq(experiments.storeId, store.id),
        only?.ids ? inArray(experiments.id, only.ids) : undefined,
        only?.kind ? eq(experiments.kind, only.kind) : undefined,
      ),
    )
    .orderBy(desc(experiments.startedAt), desc(experiments.id))
    .limit(EXPERIMENTS_LISTED)
    .all()
  return Promise.all(rows.map((r) => experimentFigures(db, store, r, now)))
}

/** An experiment's history row with its figures over its whole life. */
export async function experimentFigures(
  db: D1Database,
  store: { id: string; currency: string },
  r: ExperimentRow,
  now: number,
): Promise<Experiment> {
  const common = {
    id: r.id,
    startedAt: new Date(r.startedAt).toISOString(),
    endedAt: r.endedAt === null ? null : new Date(r.endedAt).toISOString(),
    running: r.endedAt === null,
  }
  if (r.kind === 'holdout') {
    // Its whole life in whole days: the rollup's rows, and only this period's carts in them.
    const from = Math.floor(r.startedAt / DAY) * DAY
    const to = Math.floor((r.endedAt ?? now) / DAY) * DAY + DAY
    const arms = await armCounts(db, {
      storeId: store.id,
      period: r.id,
      from,
      to,
      currency: store.currency,
    })
    return {
      ...common,
      kind: 'holdout',
      percent: r.percent,
      figures: incrementalOf({ period: r.id, currency: store.currency, ...arms }),
    }
  }
  const variants = r.variants ?? []
  const counts = await variantCounts(db, {
    storeId: store.id,
    experiment: r.id,
    variants,
    currency: store.currency,
  })
  return {
    ...common,
    kind: 'step',
    stepId: r.stepId ?? '',
    variants,
    kept: r.kept,
    figures: variantFiguresOf(counts, store.currency),
  }
}

/** One assignment of a step experiment: a cart given a variant, its message and its outcome. */
export type VariantAssignment = {
  variant: string
  cartId: string
  assignedAt: number
  messageId: string | null
  channel: string | null
  status: string | null
  sentAt: number | null
  deliveredAt: number | null
  clickedAt: number | null
  cartStatus: string | null
  recoveredAt: number | null
  recoveredRevenue: number | null
  revenueCurrency: string | null
  /** The recovery was credited to this variant's message. */
  credited: number
}

/** One assignment of a holdout period: a cart in an arm, with its outcome. */
export type ArmAssignment = {
  cartId: string
  arm: string
  abandonedAt: number
  status: string
  /** What the cart could be reached on when it entered its arm: email, phone, both, none. */
  reach: string
  recoveredAt: number | null
  recoveredRevenue: number
  revenueCurrency: string
  recoveredChannel: string | null
  recoveredStep: string | null
}

/** Where a page of assignments ends: the next page starts after it. */
export type AssignmentCursor = [string | number, string | number]

/**
 * A page of an experiment's assignments and outcomes, for the merchant's own analysis: a step
 * experiment's messages (in variant order, from the `messages_experiment` index) or a holdout
 * period's carts (in order of abandonment, from the abandoned-carts index).
 */
export async function assignmentsPage(
  db: D1Database,
  q: {
    storeId: string
    experiment: { id: string; kind: 'holdout' | 'step' }
    after: AssignmentCursor | null
    limit: number
  },
): Promise<
  | { kind: 'step'; rows: VariantAssignment[]; next: AssignmentCursor | null }
  | { kind: 'holdout'; rows: ArmAssignment[]; next: AssignmentCursor | null }
> {
  const [a, b] = q.after ?? ['', '']
  if (q.experiment.kind === 'step') {
    // The cart's latest message of the experiment (a cart abandoned again within its episode
    // may have two), and its outcome in the episode it was given the variant in.
    const { results } = await db
      .prepare(
        `SELECT a.rowid AS k, a.variant, a.cart_id AS cartId, a.assigned_at AS assignedAt,
           m.id AS messageId, m.channel, m.status, m.created_at AS sentAt,
           m.delivered_at AS deliveredAt, m.clicked_at AS clickedAt, c.status AS cartStatus,
           CASE WHEN a.assigned_at >= c.abandoned_at THEN c.recovered_at END AS recoveredAt,
           c.recovered_revenue AS recoveredRevenue,
           COALESCE(c.revenue_currency, c.currency) AS revenueCurrency,
           (c.recovered_at IS NOT NULL AND a.assigned_at >= c.abandoned_at
             AND c.recovered_variant IS a.variant AND c.recovered_step IS m.step_id) AS credited
         FROM assignments a
         LEFT JOIN carts c ON c.store_id = a.store_id AND c.cart_id = a.cart_id
         LEFT JOIN messages m ON m.id = (SELECT x.id FROM messages x WHERE x.store_id = a.store_id
           AND x.cart_id = a.cart_id AND +x.experiment = a.experiment
           ORDER BY x.created_at DESC LIMIT 1)
         WHERE a.store_id = ?1 AND a.experiment = ?2 AND (a.variant, a.rowid) > (?3, ?4)
         ORDER BY a.variant, a.rowid LIMIT ?5`,
      )
      .bind(q.storeId, q.experiment.id, a, q.after ? b : -1, q.limit)
      .all<VariantAssignment & { k: number }>()
    const last = results.at(-1)
    return {
      kind: 'step',
      rows: results.map(({ k: _, ...r }) => r),
      next: last && results.length === q.limit ? [last.variant, last.k] : null,
    }
  }
  const { results } = await db
    .prepare(
      `SELECT cart_id AS cartId, experiment_arm AS arm, abandoned_at AS abandonedAt, status,
         ${REACH} AS reach,
         recovered_at AS recoveredAt, recovered_revenue AS recoveredRevenue,
         COALESCE(revenue_currency, currency) AS revenueCurrency,
         recovered_channel AS recoveredChannel, recovered_step AS recoveredStep
       FROM carts
       WHERE store_id = ?1 AND abandoned_at IS NOT NULL AND experiment_period = ?2
         AND (abandoned_at, cart_id) > (?3, ?4)
       ORDER BY abandoned_at, cart_id LIMIT ?5`,
    )
    .bind(q.storeId, q.experiment.id, q.after ? a : -1, b, q.limit)
    .all<ArmAssignment>()
  const last = results.at(-1)
  return {
    kind: 'holdout',
    rows: results,
    next: last && results.length === q.limit ? [last.abandonedAt, last.cartId] : null,
  }
}

/** One experiment of a store as its history lists it, or null. */
export async function experimentById(
  db: D1Database,
  storeId: string,
  id: string,
): Promise<ExperimentRow | null> {
  const row = await drizzle(db)
    .select()
    .from(experiments)
    .where(and(eq(experiments.storeId, storeId), eq(experiments.id, id)))
    .get()
  return row ?? null
}
