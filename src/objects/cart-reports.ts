/**
 * The cart's own report to the reporting pipeline (D1). It is a function of the state
 * (`cartReport`), so it is not written as an outbox row: after the commit the flush publishes
 * the current state's report when its revision is above the one known published, unless it is
 * an anonymous cart's item change that waits to go with the next (`CartReports.dueAt`: the
 * alarm sends it). Only a failed publish writes a row (the outbox's retry and back-off). D1
 * keeps the highest revision per cart, so a report published twice is harmless; one never
 * published is not.
 *
 * The revision known published is stored beside the state, in the state's own value (`reported`),
 * written only with the event's state write. It lags: it says what was published before that
 * event, so a stored `reported` below the stored revision means a publish is still owed (one
 * lost to a crash between the commit and the publish, or one that was waiting) and the next
 * wake publishes it.
 */
import type { ReportSink } from '../adapters/reporting/types'
import { type CartReport, cartReport, reportMayWait } from '../domain/cart/report'
import type { CartState, JournalEntry } from '../domain/cart/types'
import { log } from '../lib/log'
import type { Outbox } from './outbox'

/**
 * The stored value of `state`: the state and, beside it, the shell's `reported` and the
 * journal's newest entries (`tail`: `journal.ts`). `parseState` drops keys it does not know, so
 * the domain never sees them.
 */
export type StoredState = CartState & { reported?: number; tail?: JournalEntry[] }

/**
 * The stored value of `state` with the revision known published (null: unknown, left out) and
 * the journal's tail (left out when empty, as before the tail).
 */
export function storedState(
  state: CartState,
  reported: number | null,
  tail: JournalEntry[] = [],
): StoredState {
  const out: StoredState = reported === null ? { ...state } : { ...state, reported }
  if (tail.length > 0) out.tail = tail
  return out
}

/** The revision known published from a stored value; null (unknown: publish) if none. */
export function storedReported(raw: unknown): number | null {
  if (typeof raw !== 'object' || raw === null) return null
  const r = (raw as { reported?: unknown }).reported
  return typeof r === 'number' && Number.isInteger(r) ? r : null
}

/**
 * What this instance knows of the cart's published reports. An anonymous active cart's item
 * changes are sent together: after a report goes, the next one that only moves its items
 * (`reportMayWait`) waits until `waitMs` after it (the object's alarm, `dueAt`), and whatever
 * else changes meanwhile sends it at once. Only this instance's own last publish is trusted
 * for that: after a restart the first report goes at once.
 */
export class CartReports {
  /** The highest revision published, or held by a report row; null: unknown. */
  private known: number | null
  /** The last report this instance published, and when. */
  private last: { report: CartReport; at: number } | null = null

  constructor(
    raw: unknown,
    private readonly waitMs = 0,
  ) {
    this.known = storedReported(raw)
  }

  /** What to store beside the next state written. */
  reported(): number | null {
    return this.known
  }

  /** Whether the state's report has yet to be published. */
  owed(state: CartState | null): state is CartState {
    return state !== null && (this.known === null || state.revision > this.known)
  }

  /**
   * When the owed report that waits at `now` goes (the alarm to set for it); null when none
   * waits: nothing is owed, or what is owed goes at once, by the flush that follows or the one
   * running (so no alarm is ever asked for a time already past).
   */
  dueAt(state: CartState | null, now: number): number | null {
    if (!this.owed(state) || this.last === null || this.waitMs === 0) return null
    const due = this.last.at + this.waitMs
    return due > now && reportMayWait(this.last.report, cartReport(state)) ? due : null
  }

  /** Whether the owed report waits at `now` (sent by the alarm at `dueAt`). */
  waits(state: CartState, now: number): boolean {
    return this.dueAt(state, now) !== null
  }

  /**
   * Publishes the state's report. A failure is handed to the outbox as a report row, retried by
   * the alarm; `keep` false (the cart was erased meanwhile) leaves nothing behind.
   */
  async publish(
    state: CartState,
    sink: ReportSink,
    outbox: Outbox,
    now: () => number,
    keep: () => boolean,
  ): Promise<void> {
    const report = cartReport(state)
    const result = await sink.publish(report).catch((err: unknown) => ({
      ok: false as const,
      code: 'PUBLISH_THREW',
      message: String(err),
    }))
    if (!result.ok && keep()) {
      outbox.reportFailed(JSON.stringify(report), result.code, now())
      log('warn', 'report send failed; will retry', { id: 'report', code: result.code })
    }
    // A report that failed is in the outbox, not in D1: the next one does not wait on it.
    this.last = result.ok ? { report, at: now() } : null
    if (this.known === null || state.revision > this.known) this.known = state.revision
  }
}
