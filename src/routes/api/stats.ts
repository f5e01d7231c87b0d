import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { armCounts } from '../../db/experiments'
import { stats as queryStats } from '../../db/stats'
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
})

stats.get('/', zValidator('query', StatsQuery, invalid), async (c) => {
  const q = c.req.valid('query')
  const to = q.to ? Date.parse(q.to) : Date.now()
  const from = q.from ? Date.parse(q.from) : to - 30 * DAY
  if (from >= to) throw new AppError('BAD_REQUEST', '`from` must be before `to`.')
  if (to - from > 400 * DAY)
    throw new AppError('BAD_REQUEST', 'The range may span at most 400 days.')
  const store = await scopeOf(c, q.store)
  if (q.period && !store) throw new AppError('BAD_REQUEST', 'A `period` needs a `store`.')
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
  return c.json({ ...figures, incremental })
})
