/**
 * A cart's outbox: jobs as rows of the object's SQLite (cloudflare/actors' alarms idea), each
 * with a state, its attempts and when it is next due. The object sets one alarm at the earliest
 * of its own wake time and `earliestDue`. Every method takes the time from the caller's clock.
 *
 * A message row goes `pending` → `sending` (coupon, rendering: nothing has left yet) →
 * `calling` (the provider call is in flight: it may have left) → `sent` | `failed`. A report row
 * is `pending` until published; then the cart's report row is marked `sent` (overwritten by the
 * next failed report) and a message's report row is deleted. The cart's report has a row only
 * when its publish failed (`cart-reports.ts`), or when an older version left one.
 */
import { PROVIDER_TIMEOUT_MS } from '../adapters/types'
import type { SendOutcome } from '../services/delivery/send'
import type { TableLayout } from './migrations'

export const RETRY_BASE_MS = 5_000
export const RETRY_MAX_MS = 10 * 60_000
/**
 * A send still `sending` or `calling` this long after it started is looked at again (a crash
 * mid-send). Longer than the calls one send makes (a coupon, the message), each bounded by the
 * timeout.
 */
export const SENDING_TIMEOUT_MS = 3 * PROVIDER_TIMEOUT_MS
/** Retryable failures are tried this many times, then the step fails with the reason. */
export const MAX_SEND_ATTEMPTS = 5
export const MAX_ROWS_PER_FLUSH = 25

export type OutboxRow = {
  id: string
  kind: 'report' | 'message'
  body: string
  state: 'pending' | 'sending' | 'calling'
  attempts: number
}
/** A message row's body: the step it sends and its key (also its idempotency key). */
export type OutboxRun = { stepId: string; channel: 'email' | 'sms'; key: string }

/** What a finished message row says about its run (see `Outbox.reconcile`). */
export type Settled = {
  stepId: string
  key: string
  outcome: 'sent' | 'failed'
  reason: string | null
}

/**
 * The wait before retry `attempts + 1`: doubling from `RETRY_BASE_MS` up to `RETRY_MAX_MS`, plus
 * up to 20 % jitter so that many carts refused together do not come back together.
 */
export function backoff(attempts: number, random: () => number = Math.random): number {
  const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** attempts)
  return delay + Math.floor(random() * delay * 0.2)
}

/** Whether another try is allowed after a retryable failure of this row's attempt. */
export function mayRetry(row: Pick<OutboxRow, 'attempts'>): boolean {
  return row.attempts + 1 < MAX_SEND_ATTEMPTS
}

const OPEN = "state IN ('pending', 'sending', 'calling')"
/** The cart's one report row (a message's report D1 refused has a row of its own). */
const REPORT_ID = 'report'

export class Outbox {
  /**
   * True when the last read found no open row and nothing was written since (every write below
   * makes it unknown again): most events find the outbox empty, and then its three reads per
   * event (`messagesOpen`, `due`, `earliestDue`) cost no query. Only this class writes the table;
   * an erase empties it, which this never contradicts.
   */
  private noneOpen = false

  constructor(
    private readonly storage: DurableObjectStorage,
    /** The cart's tables, built by the first write: until then every read finds nothing. */
    private readonly tables: TableLayout,
    private readonly random: () => number = Math.random,
  ) {}

  /** The table, for a write (built first if need be): what is open is unknown until a read. */
  private get write() {
    this.tables.build()
    this.noneOpen = false
    return this.storage.sql
  }

  /** Nothing is open: known from the last read, or no row was ever written. */
  private get empty() {
    return this.noneOpen || !this.tables.built
  }

  /**
   * The cart's report whose publish just failed: pending, one attempt spent, due after `backoff`
   * (the alarm retries it as it retries any row). It replaces an older one.
   */
  reportFailed(body: string, error: string, now: number): void {
    this.write.exec(
      `INSERT INTO outbox (id, kind, body, state, attempts, next_at, last_error) VALUES ('${REPORT_ID}', 'report', ?, 'pending', 1, ?, ?)
       ON CONFLICT(id) DO UPDATE SET body = excluded.body, state = 'pending', attempts = 1, next_at = excluded.next_at, last_error = excluded.last_error`,
      body,
      now + backoff(0, this.random),
      error,
    )
  }

  /** A message report D1 refused, to go by the queue instead (one row per message). */
  putMessageReport(messageId: string, body: string, now: number): void {
    this.write.exec(
      `INSERT INTO outbox (id, kind, body, state, attempts, next_at) VALUES (?, 'report', ?, 'pending', 0, ?)
       ON CONFLICT(id) DO UPDATE SET body = excluded.body, state = 'pending', next_at = excluded.next_at`,
      `report:${messageId}`,
      body,
      now,
    )
  }

  /** The key is the row id: the same step of the same abandonment is queued once, ever. */
  queueMessage(run: OutboxRun, now: number): void {
    this.write.exec(
      `INSERT INTO outbox (id, kind, body, state, attempts, next_at) VALUES (?, 'message', ?, 'pending', 0, ?)
       ON CONFLICT(id) DO NOTHING`,
      run.key,
      JSON.stringify({ stepId: run.stepId, channel: run.channel, key: run.key }),
      now,
    )
  }

  /** Whether any message row is still open (a send to make, or one cut off mid-way). */
  messagesOpen(): boolean {
    if (this.empty) return false
    return (
      this.storage.sql
        .exec(`SELECT 1 FROM outbox WHERE kind = 'message' AND ${OPEN} LIMIT 1`)
        .toArray().length > 0
    )
  }

  /** The open row due first at `now`, if any. */
  due(now: number): OutboxRow | null {
    if (this.empty) return null
    return (
      this.storage.sql
        .exec<OutboxRow>(
          `SELECT id, kind, body, state, attempts FROM outbox
           WHERE ${OPEN} AND next_at <= ? ORDER BY next_at LIMIT 1`,
          now,
        )
        .toArray()[0] ?? null
    )
  }

  /**
   * When the object must wake for the outbox: its earliest open row, but never sooner than
   * `RETRY_BASE_MS` from now (a row about to be sent counts a few seconds out, so a crash
   * mid-send still wakes the object). Null when no row is open.
   */
  earliestDue(now: number): number | null {
    if (this.empty) return null
    const row = this.storage.sql
      .exec<{ next_at: number | null }>(`SELECT MIN(next_at) AS next_at FROM outbox WHERE ${OPEN}`)
      .one()
    this.noneOpen = row.next_at === null
    return row.next_at === null ? null : Math.max(row.next_at, now + RETRY_BASE_MS)
  }

  /** The send's progress, looked at again after `SENDING_TIMEOUT_MS` if nothing settles it. */
  mark(id: string, state: 'sending' | 'calling', now: number): void {
    this.write.exec(
      'UPDATE outbox SET state = ?, next_at = ? WHERE id = ?',
      state,
      now + SENDING_TIMEOUT_MS,
      id,
    )
  }

  /**
   * A row found `sending` or `calling` (cut off before its answer was known) is tried again,
   * but not forever: null once its attempts are spent (a fault that recurs must end).
   */
  resume(row: OutboxRow): OutboxRow | null {
    if (row.attempts + 1 >= MAX_SEND_ATTEMPTS) return null
    this.write.exec('UPDATE outbox SET attempts = attempts + 1 WHERE id = ?', row.id)
    return { ...row, attempts: row.attempts + 1 }
  }

  finish(id: string, state: 'sent' | 'failed', error: string | null): void {
    this.write.exec(
      'UPDATE outbox SET state = ?, last_error = ?, next_at = 0 WHERE id = ?',
      state,
      error,
      id,
    )
  }

  /** Back to `pending`, due after `backoff`; only if the row still holds the body tried. */
  retryLater(row: OutboxRow, error: string, now: number): void {
    this.write.exec(
      "UPDATE outbox SET state = 'pending', attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ? AND body = ?",
      now + backoff(row.attempts, this.random),
      error,
      row.id,
      row.body,
    )
  }

  /** Back to `pending` until `at`, no attempt spent (a text that drifted into quiet hours). */
  waitUntil(id: string, at: number): void {
    this.write.exec("UPDATE outbox SET state = 'pending', next_at = ? WHERE id = ?", at, id)
  }

  /** Records what came of a message row's send (see `SendOutcome`). */
  record(row: OutboxRow, outcome: SendOutcome, now: number): void {
    if (outcome.type === 'retry') this.retryLater(row, outcome.reason, now)
    else if (outcome.type === 'wait') this.waitUntil(row.id, outcome.until)
    else if (outcome.type === 'not_sent') this.finish(row.id, 'failed', outcome.reason)
    else if (outcome.result.ok) this.finish(row.id, 'sent', null)
    else this.finish(row.id, 'failed', outcome.result.code)
  }

  /**
   * A published report, only if a newer one was not written meanwhile. The cart's report row is
   * kept, marked `sent`, for the next event to overwrite: a delete now and an insert then would
   * write three rows (the row and its key, twice) where the two updates write two.
   */
  delivered(row: OutboxRow): void {
    if (row.id === REPORT_ID) {
      this.write.exec(
        "UPDATE outbox SET state = 'sent', attempts = 0, next_at = 0, last_error = NULL WHERE id = ? AND body = ?",
        row.id,
        row.body,
      )
    } else this.write.exec('DELETE FROM outbox WHERE id = ? AND body = ?', row.id, row.body)
  }

  /**
   * After a crash between a row finishing and its run being settled: for each run the cart still
   * has `sending`, what its finished row says. A run whose row is missing is queued again.
   */
  reconcile(sending: OutboxRun[], now: number): Settled[] {
    const out: Settled[] = []
    for (const run of sending) {
      // No table yet: nothing was ever queued, so the run's row is missing.
      const row = this.tables.built
        ? this.storage.sql
            .exec<{ state: string; last_error: string | null }>(
              'SELECT state, last_error FROM outbox WHERE id = ?',
              run.key,
            )
            .toArray()[0]
        : undefined
      if (!row) this.queueMessage(run, now)
      else if (row.state === 'sent') out.push({ ...pick(run), outcome: 'sent', reason: null })
      else if (row.state === 'failed')
        out.push({ ...pick(run), outcome: 'failed', reason: row.last_error ?? 'failed' })
    }
    return out
  }
}

const pick = (r: OutboxRun) => ({ stepId: r.stepId, key: r.key })
