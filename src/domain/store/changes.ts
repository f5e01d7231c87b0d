/**
 * A change of a store's settings, as the server stores it: the experiments it starts and ends
 * (issue 15) are the server's, never a patch's. Every write of settings goes through here, so
 * the holdout's periods and the steps' experiments are kept and listed the same way from the
 * API, the sequence editor and the settings page.
 */
import {
  type ExperimentChange,
  experimentPatchProblem,
  experimentsAfter,
  type Kept,
} from '../sequence/variants'
import { holdoutPatchProblem, periodFor } from './holdout'
import type { Settings } from './settings'

export type { ExperimentChange } from '../sequence/variants'

/** What a settings patch may not say: a period or an experiment of its own. Null when fine. */
export function settingsPatchProblem(
  patch: Record<string, unknown> | undefined,
  before: Settings,
): string | null {
  return (
    holdoutPatchProblem(patch, before.holdout) ??
    experimentPatchProblem(patch?.sequence, before.sequence)
  )
}

/**
 * The settings to store when `after` replaces `before`: the holdout's period and each step's
 * experiment set by the server, and the experiments this starts and ends.
 *
 * @example settingsChange(before, after, Date.now(), { period: () => newId('per'), experiment: () => newId('exp') })
 */
export function settingsChange(
  before: Settings,
  after: Settings,
  now: number,
  ids: { period: () => string; experiment: () => string },
  /** The variant "make this the only variant" kept, when that is the change. */
  kept?: Kept,
): { settings: Settings; changes: ExperimentChange[] } {
  const holdout = periodFor(before.holdout, after.holdout, now, ids.period())
  const steps = experimentsAfter(before.sequence, after.sequence, now, ids.experiment, kept)
  const changes: ExperimentChange[] = []
  if (holdout.period !== before.holdout.period) {
    if (before.holdout.period)
      changes.push({ change: 'ended', id: before.holdout.period, kept: null, at: now })
    if (holdout.period) {
      changes.push({
        at: now,
        change: 'started',
        kind: 'holdout',
        id: holdout.period,
        percent: holdout.percent,
      })
    }
  }
  changes.push(...steps.changes)
  return { settings: { ...after, holdout, sequence: steps.sequence }, changes }
}
