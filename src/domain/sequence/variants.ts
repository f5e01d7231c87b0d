/**
 * Step experiments (issue 15): a step may have 2–4 variants, its own content being the first
 * (`FIRST_VARIANT`). A cart is given one when the step comes due, at random but stably (a
 * bucket from `domain/experiment/assign.ts`), and is sent that variant's subject, body,
 * incentive and delay. The experiment is the server's: any change to what a step compares
 * starts a new one, so its figures never mix two sets of variants.
 */
import { FIRST_VARIANT, type Step } from './steps'

/** A step's variants in order, its own content first. */
export function variantIds(step: Step): string[] {
  return [FIRST_VARIANT, ...(step.variants ?? []).map((v) => v.id)]
}

/**
 * The step as variant `id` sends it: that variant's template, incentive and delay in the
 * step's place, without the variants. `variant` is null (the step's own content is sent) when
 * the step has no such variant any more, as after "make this the only variant".
 */
export function asVariant(step: Step, id: string | null): { step: Step; variant: string | null } {
  const { variants, experiment: _, ...own } = step
  if (id === null || !variants) return { step: own as Step, variant: null }
  if (id === FIRST_VARIANT) return { step: own as Step, variant: id }
  const v = variants.find((x) => x.id === id)
  if (!v) return { step: own as Step, variant: null }
  const { incentive, ...base } = own
  const mixed = {
    ...base,
    template: v.template,
    delaySeconds: v.delaySeconds ?? step.delaySeconds,
    ...(v.incentive ? { incentive: v.incentive } : {}),
  }
  return { step: mixed as Step, variant: id }
}

/**
 * The variant a bucket in [0, 1) falls in: equal shares, in the order of `variantIds`.
 *
 * @example pickVariant(stepWithTwoVariants, 0.7) // 'b'
 */
export function pickVariant(step: Step, bucket: number): string {
  const ids = variantIds(step)
  const i = Math.min(ids.length - 1, Math.max(0, Math.floor(bucket * ids.length)))
  return ids[i] as string
}

/** The earliest delay among a step's variants: when a cart's variant is decided. */
export function earliestDelay(step: Step): number {
  return Math.min(
    step.delaySeconds,
    ...(step.variants ?? []).map((v) => v.delaySeconds ?? Infinity),
  )
}

/** What makes an experiment: the content of every variant and the step's channel. */
function compared(step: Step): string {
  const { experiment: _, id: __, windowSeconds: ___, ...rest } = step
  return canonical(rest)
}

/** JSON with every object's keys in order, so equal content compares equal. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (typeof v !== 'object' || v === null) return JSON.stringify(v)
  const entries = Object.entries(v).filter(([, x]) => x !== undefined)
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`
}

/** An experiment started, or ended, by a change of settings (kept in the history). */
export type ExperimentChange = { at: number } & (
  | { change: 'started'; kind: 'holdout'; id: string; percent: number }
  | { change: 'started'; kind: 'step'; id: string; stepId: string; variants: string[] }
  /** `kept`: the variant made the only one, when the step now sends exactly that one. */
  | { change: 'ended'; id: string; kept: string | null }
)

/** A step made to send only one of its variants ("make this the only variant"). */
export type Kept = { stepId: string; variant: string }

/**
 * The variant of `old` that `now` is, once its variants are gone, or null: the one named by
 * `kept` (two variants may say the same), else the first whose content it has.
 */
function keptVariant(old: Step, now: Step, kept: Kept | undefined): string | null {
  if (kept?.stepId === old.id && variantIds(old).includes(kept.variant)) return kept.variant
  const sent = compared(now)
  return variantIds(old).find((id) => compared(asVariant(old, id).step) === sent) ?? null
}

/**
 * The sequence to store after a change of settings, each step's experiment set by the server:
 * kept while its variants stay as they were, a new one (`newId()`) when they changed, none
 * once a step has a single variant. Also says which experiments started and ended.
 *
 * @example experimentsAfter(before, after, now, () => newId('exp')).sequence
 */
export function experimentsAfter(
  before: Step[],
  after: Step[],
  now: number,
  newId: () => string,
  kept?: Kept,
): { sequence: Step[]; changes: ExperimentChange[] } {
  const changes: ExperimentChange[] = []
  const was = new Map(before.map((s) => [s.id, s]))
  const sequence = after.map((step): Step => {
    const old = was.get(step.id)
    const running = old?.experiment && old.variants ? old.experiment : null
    const { experiment: _, ...plain } = step
    if (running && old && step.variants && compared(old) === compared(step)) {
      return { ...plain, experiment: running } as Step
    }
    if (running && old) {
      const which = step.variants ? null : keptVariant(old, plain as Step, kept)
      changes.push({ change: 'ended', id: running.id, kept: which, at: now })
    }
    if (!step.variants) return plain as Step
    const experiment = { id: newId(), startedAt: new Date(now).toISOString() }
    changes.push({
      at: now,
      change: 'started',
      kind: 'step',
      id: experiment.id,
      stepId: step.id,
      variants: variantIds(step),
    })
    return { ...plain, experiment } as Step
  })
  const remaining = new Set(after.map((s) => s.id))
  for (const old of before) {
    if (!remaining.has(old.id) && old.experiment && old.variants) {
      changes.push({ change: 'ended', id: old.experiment.id, kept: null, at: now })
    }
  }
  return { sequence, changes }
}

/**
 * What a settings patch may say of a step's experiment: nothing, or the experiment as it was
 * read (a client that sends back the settings it got). Returns the problem, or null.
 */
export function experimentPatchProblem(patch: unknown, current: Step[]): string | null {
  if (!Array.isArray(patch)) return null
  for (const [i, step] of patch.entries()) {
    if (typeof step !== 'object' || step === null || !('experiment' in step)) continue
    const sent = (step as { experiment?: unknown }).experiment
    const same = current.find((s) => s.id === (step as { id?: unknown }).id)?.experiment
    if (sent !== undefined && canonical(sent) !== canonical(same ?? null)) {
      return `sequence[${i}].experiment is set by the server when the variants change; leave it out`
    }
  }
  return null
}

/**
 * "Make this the only variant": the step with that variant's content as its own and no
 * variants, which ends its experiment. Null when the step has no such variant.
 */
export function keepOnly(step: Step, id: string): Step | null {
  if (!variantIds(step).includes(id)) return null
  return asVariant(step, id).step
}

/**
 * The sequence once step `stepId` sends only `variant` (`keepOnly`), steps kept in order of
 * delay (the variant's may differ from the step's). Says why not when it cannot: no such step
 * (`no_step`), a step without variants (`no_variants`), or no such variant (`no_variant`).
 */
export function keepVariant(
  sequence: Step[],
  stepId: string,
  variant: string,
): { sequence: Step[] } | { refused: 'no_step' | 'no_variants' | 'no_variant'; step?: Step } {
  const step = sequence.find((s) => s.id === stepId)
  if (!step) return { refused: 'no_step' }
  if (!step.variants) return { refused: 'no_variants', step }
  const kept = keepOnly(step, variant)
  if (!kept) return { refused: 'no_variant', step }
  const next = sequence.map((s) => (s === step ? kept : s))
  return { sequence: next.sort((a, b) => a.delaySeconds - b.delaySeconds) }
}
