import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { experimentById, experimentFigures, storeExperiments } from '../../db/experiments'
import { AppError } from '../../lib/errors'
import { csvHeaders } from '../carts/csv'
import type { AppEnv } from '../env'
import { experimentCsv } from '../experiments/csv'
import { invalid } from '../validation'
import { scopeOf, visibleStore } from './scope'

/**
 * A store's experiments (issue 15): holdout periods and step experiments, running and
 * finished, each with its figures; one of them; and its assignments and outcomes as CSV.
 */
export const experiments = new Hono<AppEnv>()

experiments.get(
  '/',
  zValidator('query', z.object({ store: z.string().max(64) }), invalid),
  async (c) => {
    const store = await scopeOf(c, c.req.valid('query').store)
    if (!store) throw new AppError('BAD_REQUEST', 'Name a `store`: experiments are per store.')
    return c.json({ experiments: await storeExperiments(c.env.DB, store, Date.now()) })
  },
)

/** The store (visible to the caller) and one of its experiments, or 404. */
async function experimentOf(c: Parameters<typeof visibleStore>[0]) {
  const store = await visibleStore(c, c.req.param('storeId') ?? '')
  const row = await experimentById(c.env.DB, store.id, c.req.param('id') ?? '')
  if (!row) throw new AppError('NOT_FOUND', 'The store has no such experiment.')
  return { store, row }
}

experiments.get('/:storeId/:id', async (c) => {
  const { store, row } = await experimentOf(c)
  return c.json(await experimentFigures(c.env.DB, store, row, Date.now()))
})

// Every assignment of the experiment with its outcome, streamed page by page.
experiments.get('/:storeId/:id/export.csv', async (c) => {
  const { store, row } = await experimentOf(c)
  return c.body(experimentCsv(c.env.DB, store.id, row), 200, csvHeaders(`experiment-${row.id}.csv`))
})
