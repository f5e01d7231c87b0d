// View models of a store's experiments (issue 15), built by db/experiments.ts: the API's
// `GET /api/v1/experiments`, the stats' `variants`, and the dashboard's experiments page.
import type { Incremental } from '../domain/experiment/incremental'
import type { VariantFigures } from '../domain/experiment/variant-figures'

type Common = {
  id: string
  startedAt: string
  /** Null while it runs. */
  endedAt: string | null
  running: boolean
}

/** A holdout period with its figures over its whole life. */
export type HoldoutExperiment = Common & {
  kind: 'holdout'
  /** The share held out; null for a period from before the history was kept. */
  percent: number | null
  figures: Incremental
}

/** A step experiment with each variant's figures over its whole life. */
export type StepExperiment = Common & {
  kind: 'step'
  stepId: string
  /** The variants compared, the step's own content first. */
  variants: string[]
  /** The variant made the only one, when it ended that way. */
  kept: string | null
  figures: VariantFigures[]
}

export type Experiment = HoldoutExperiment | StepExperiment
