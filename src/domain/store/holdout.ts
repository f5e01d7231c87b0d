/**
 * A store's holdout (issue 15): the share of abandoned carts that get no messages, and the
 * experiment period it runs in. The merchant sets only the share; the period is the server's:
 * starting, stopping or changing the share starts a new one, so periods never mix.
 */
import { z } from 'zod'
import { intIn } from '../../lib/schemas'

/** The most a store may hold out: beyond half, the messaged arm would be the control. */
export const MAX_HOLDOUT_PERCENT = 50

/** The holdout as stored with the settings. */
export const HoldoutSchema = z
  .object({
    /** Share of abandoned carts held out, 0–50 (0: no experiment). */
    percent: intIn(0, MAX_HOLDOUT_PERCENT),
    /** The running period (`per_…`), null while none runs. Set by the server, never by a patch. */
    period: z.string().nullable(),
    /** When the current period (or the pause, at 0 %) began, ISO-8601. */
    startedAt: z.string().nullable(),
  })
  .strict()

export type Holdout = z.infer<typeof HoldoutSchema>

export const NO_HOLDOUT: Holdout = { percent: 0, period: null, startedAt: null }

/** A running holdout as a cart sees it. */
export type HoldoutPolicy = { percent: number; period: string }

/** The cart's view of a store's holdout: null unless one runs. */
export function holdoutPolicy(h: Holdout): HoldoutPolicy | null {
  return h.percent > 0 && h.period ? { percent: h.percent, period: h.period } : null
}

/**
 * What a settings patch may say of the holdout: its share. The period and its start may be sent
 * back as they were read (a client that returns the settings it got), never changed. Returns the
 * problem, or null when the patch is fine (or says nothing of the holdout).
 */
export function holdoutPatchProblem(
  patch: Record<string, unknown> | undefined,
  current: Holdout,
): string | null {
  const h = patch?.holdout
  if (h === undefined) return null
  if (typeof h !== 'object' || h === null || Array.isArray(h)) {
    return 'holdout must be an object such as { "percent": 10 }'
  }
  const changed = Object.entries(h).filter(
    ([k, v]) =>
      k !== 'percent' && !(Object.hasOwn(current, k) && current[k as keyof Holdout] === v),
  )
  return changed.length > 0
    ? `holdout takes only "percent"; the period is started by the server (not: ${changed.map(([k]) => k).join(', ')})`
    : null
}

/**
 * The holdout to store after a change of settings: a new period when the share changed (none at
 * 0 %), the running one otherwise, whatever the patch carried.
 *
 * @example periodFor(running10, { ...running10, percent: 20 }, now, 'per_new').period // 'per_new'
 */
export function periodFor(
  before: Holdout,
  after: Holdout,
  now: number,
  newPeriod: string,
): Holdout {
  if (after.percent === before.percent) return before
  return {
    percent: after.percent,
    period: after.percent > 0 ? newPeriod : null,
    startedAt: new Date(now).toISOString(),
  }
}
