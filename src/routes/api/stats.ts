import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import {
  armCounts,
  experimentById,
  experimentFigures,
  storeExperiments,
} from '../../db/experiments'
import { stats as queryStats } from '../../db/stats'
import type { Store } from '../../db/stores'
import { incrementalOf } from '../../domain/experiment/incremental'
import { AppError } from '../../lib/errors'
import type { AppEnv } from '../env'
import { invalid } from '../validation'
import { scopeOf } from './scope'

export const stats = new Hono<AppEnv>()

const DAY = 86_400_000
const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date())

const StatsQuery = z.object({
  store: z.string().max(64).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  /** A holdout period of the store (`per_…`); its running one by default. */
  period: z
    .string()
    .regex(/^per_[A-Za-z0-9]{1,40}$/, 'a holdout period id (per_…)')
    .optional(),
  /** A step experiment of the store (`exp_…`), running or finished; its running ones by default. */
  experiment: z
    .string()
    .regex(/^exp_[A-Za-z0-9]{1,40}$/, 'a step experiment id (exp_…)')
    .optional(),
})

stats.get('/', zValidator('query', StatsQuery, invalid), async (c) => {
  const q = c.req.valid('query')
  const to = q.to ? Date.parse(q.to) : Date.now()
  const from = q.from ? Date.parse(q.from) : to - 30 * DAY
  if (from >= to) throw new AppError('BAD_REQUEST', '`from` must be before `to`.')
  if (to - from > 400 * DAY)
    throw new AppError('BAD_REQUEST', 'The range may span at most 400 days.')
  const store = await scopeOf(c, q.store)
  if ((q.period || q.experiment) && !store) {
    throw new AppError('BAD_REQUEST', 'A `period` or an `experiment` needs a `store`.')
  }
  const figures = await queryStats(c.env.DB, { storeIds: store ? [store.id] : null, from, to })
  // The holdout's figures are per store and period (periods never mix): none for all stores.
  const period = q.period ?? store?.settings.holdout.period ?? null
  const incremental =
    store && period
      ? incrementalOf({
          period,
          currency: store.currency,
          ...(await armCounts(c.env.DB, {
            storeId: store.id,
            period,
            from,
            to,
            currency: store.currency,
          })),
        })
      : null
  // Each step experiment's variants over its whole life (a step's figures are per experiment).
  return c.json({
    ...figures,
    incremental,
    variants: await variantsOf(c.env.DB, store, q.experiment),
  })
})

/** The running step experiments' figures, or the one asked for; null across every store. */
async function variantsOf(db: D1Database, store: Store | null, id: string | undefined) {
  if (!store) return null
  if (id) {
    const row = await experimentById(db, store.id, id)
    if (row?.kind !== 'step')
      throw new AppError('NOT_FOUND', 'The store has no such step experiment.')
    return [await experimentFigures(db, store, row, Date.now())]
  }
  const running = store.settings.sequence.flatMap((s) => (s.experiment ? [s.experiment.id] : []))
  return storeExperiments(db, store, Date.now(), { kind: 'step', ids: running })
}
