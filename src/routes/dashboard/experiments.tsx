import { Hono } from 'hono'
import { experimentById, storeExperiments } from '../../db/experiments'
import { AppError } from '../../lib/errors'
import { ExperimentsPage } from '../../ui/dashboard/experiments'
import type { HoldoutExperiment, StepExperiment } from '../../views/experiments'
import { csvHeaders } from '../carts/csv'
import type { AppEnv } from '../env'
import { experimentCsv } from '../experiments/csv'
import { render, signedIn, storeOf } from './page'

/** Dashboard: every experiment of a store, running and finished, with its figures (issue 15). */
export const experimentPages = new Hono<AppEnv>()

experimentPages.get('/experiments', ...signedIn, async (c) => {
  const { stores, store } = await storeOf(c, c.req.query('store') || undefined)
  const all = await storeExperiments(c.env.DB, store, Date.now())
  return render(
    c,
    <ExperimentsPage
      stores={stores.map((s) => ({ id: s.id, name: s.name }))}
      store={{ id: store.id, name: store.name, currency: store.currency }}
      holdouts={all.filter((x): x is HoldoutExperiment => x.kind === 'holdout')}
      steps={all.filter((x): x is StepExperiment => x.kind === 'step')}
      csrf={c.get('csrf') ?? ''}
    />,
    { title: 'Experiments', section: 'experiments' },
  )
})

// One experiment's assignments and outcomes, as the API's CSV.
experimentPages.get('/experiments/:storeId/:id/export.csv', ...signedIn, async (c) => {
  const { store } = await storeOf(c, c.req.param('storeId'))
  const row = await experimentById(c.env.DB, store.id, c.req.param('id'))
  if (!row) throw new AppError('NOT_FOUND', 'The store has no such experiment.')
  return c.body(experimentCsv(c.env.DB, store.id, row), 200, csvHeaders(`experiment-${row.id}.csv`))
})
