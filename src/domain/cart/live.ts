import { messageKey, running } from './runs'
import type { CartState, StepRun } from './types'

/** One queued send of a step: which step, on which channel, under which key. */
export type QueuedSend = { stepId: string; channel: 'email' | 'sms'; key: string }

/**
 * The run a queued send is for, if the cart is still acting on it: the sequence is running, the
 * run is `sending`, and the key is this abandonment's (a send queued for an earlier abandonment
 * never goes out for a later one). Null when the send must not go: the cart stopped meanwhile
 * (order, opt-out, archive, emptied, superseded) or was erased (`s` null).
 * @example if (!liveRun(state, { stepId: 'email-1', channel: 'email', key })) cancel()
 */
export function liveRun(
  s: CartState | null,
  send: QueuedSend,
): { state: CartState; run: StepRun } | null {
  if (!s || !running(s)) return null
  const run = s.runs.find((x) => x.id === send.stepId && x.channel === send.channel)
  if (run?.status !== 'sending' || messageKey(s, run.id, run.channel) !== send.key) return null
  return { state: s, run }
}
