/**
 * An endpoint object's storage (objects/webhook-endpoint.ts): the events it was handed, each
 * with where its delivery stands, and every attempt (the delivery log). Synchronous SQLite, so
 * each method is one transaction; times come from the caller's clock.
 *
 * An event is `pending` until a 2xx (`delivered`) or until it is given up (`failed`: three days
 * of failures, a disabled or gone endpoint). Events of one stream (a cart, a contact) go in the
 * order they were handed: only a stream's oldest pending event is ever due.
 */
import type { WebhookEvent } from '../domain/webhook/events'
import type { Attempt, EndpointEvent } from '../views/webhooks'
import type { StorageMigration } from './migrations'

/** Delivered and failed events, and attempts, are kept this long (redelivery, the log). */
export const KEEP_MS = 30 * 24 * 60 * 60 * 1000

export const WEBHOOK_MIGRATIONS: readonly StorageMigration[] = [
  {
    version: 1,
    description: 'events handed to the endpoint, their delivery state, and every attempt',
    up: (s) =>
      void s.sql.exec(`
        CREATE TABLE IF NOT EXISTS events (
          seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
          stream TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL,
          state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
          next_at INTEGER NOT NULL, first_try_at INTEGER, trigger TEXT NOT NULL DEFAULT 'event',
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS events_stream ON events (stream, state, seq);
        CREATE INDEX IF NOT EXISTS events_due ON events (state, next_at);
        CREATE INDEX IF NOT EXISTS events_at ON events (at);
        CREATE TABLE IF NOT EXISTS attempts (
          id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, event_type TEXT NOT NULL,
          at INTEGER NOT NULL, status INTEGER, ok INTEGER NOT NULL, latency_ms INTEGER NOT NULL,
          response TEXT NOT NULL, trigger TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS attempts_at ON attempts (at);
      `),
  },
]

/** An event handed to the endpoint, with the stream it is ordered in. */
export type Queued = { stream: string; event: WebhookEvent }

/** A pending event whose turn has come. */
export type Due = {
  seq: number
  id: string
  type: string
  body: string
  attempts: number
  /** When it was due: with `attempts`, what a settle checks (a redelivery meanwhile wins). */
  nextAt: number
  firstTryAt: number | null
  trigger: Attempt['trigger']
}

type Row = Record<string, SqlStorageValue>

export class WebhookLog {
  constructor(private readonly sql: SqlStorage) {}

  /** Keeps events not seen before (by id), pending now, or `failed` when `held` (disabled). */
  accept(items: readonly Queued[], now: number, held: boolean): number {
    let added = 0
    for (const { stream, event } of items) {
      const at = Date.parse(event.timestamp)
      const r = this.sql.exec(
        `INSERT INTO events (id, type, stream, at, body, state, next_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING seq`,
        event.id,
        event.type,
        stream,
        Number.isFinite(at) ? at : now,
        JSON.stringify(event),
        held ? 'failed' : 'pending',
        now,
        now,
      )
      added += r.toArray().length
    }
    return added
  }

  /** The oldest pending event of each stream that is due at `now`, oldest first. */
  due(now: number, limit: number): Due[] {
    return this.sql
      .exec<Row>(
        `SELECT seq, id, type, body, attempts, next_at, first_try_at, trigger FROM events e
         WHERE state = 'pending' AND next_at <= ?
           AND NOT EXISTS (SELECT 1 FROM events p
                           WHERE p.stream = e.stream AND p.state = 'pending' AND p.seq < e.seq)
         ORDER BY seq LIMIT ?`,
        now,
        limit,
      )
      .toArray()
      .map((r) => ({
        seq: r.seq as number,
        id: r.id as string,
        type: r.type as string,
        body: r.body as string,
        attempts: r.attempts as number,
        nextAt: r.next_at as number,
        firstTryAt: (r.first_try_at as number | null) ?? null,
        trigger: (r.trigger as Attempt['trigger']) ?? 'event',
      }))
  }

  /** Whether a pending event has failed before (a retry waits). */
  retrying(): boolean {
    return (
      this.sql
        .exec(`SELECT 1 FROM events WHERE state = 'pending' AND attempts > 0 LIMIT 1`)
        .toArray().length > 0
    )
  }

  /** When the next pending event is due; null when none is pending. */
  nextDue(): number | null {
    const r = this.sql
      .exec<{ t: number | null }>(`SELECT MIN(next_at) AS t FROM events WHERE state = 'pending'`)
      .one()
    return r.t ?? null
  }

  /** Writes an attempt to the log. */
  logAttempt(a: Omit<Attempt, 'id' | 'at'> & { at: number }): void {
    this.sql.exec(
      `INSERT INTO attempts (event_id, event_type, at, status, ok, latency_ms, response, trigger)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      a.eventId,
      a.eventType,
      a.at,
      a.status,
      a.ok ? 1 : 0,
      a.latencyMs,
      a.response,
      a.trigger,
    )
  }

  /** The event's attempt ended: delivered, failed for good, or tried again at `retryAt`. */
  settle(
    d: Due,
    outcome: { state: 'delivered' | 'failed' } | { state: 'pending'; retryAt: number },
    now: number,
  ): void {
    this.sql.exec(
      `UPDATE events SET state = ?, attempts = attempts + 1, next_at = ?,
         first_try_at = COALESCE(first_try_at, ?), trigger = ?, updated_at = ?
       WHERE seq = ? AND state = 'pending' AND attempts = ? AND next_at = ?`,
      outcome.state,
      outcome.state === 'pending' ? outcome.retryAt : now,
      now,
      outcome.state === 'pending' ? 'retry' : d.trigger,
      now,
      d.seq,
      d.attempts,
      d.nextAt,
    )
  }

  /** Every pending event is given up (a disabled or gone endpoint); returns how many. */
  failPending(now: number): number {
    return this.sql
      .exec(
        `UPDATE events SET state = 'failed', updated_at = ? WHERE state = 'pending' RETURNING seq`,
        now,
      )
      .toArray().length
  }

  /**
   * Sends events again: one (by id) or every one since a time, whatever their state; their
   * attempts start again. Returns how many.
   */
  redeliver(which: { eventId: string } | { since: number }, now: number): number {
    const [where, arg] = 'eventId' in which ? ['id = ?', which.eventId] : ['at >= ?', which.since]
    return this.sql
      .exec(
        `UPDATE events SET state = 'pending', attempts = 0, next_at = ?, first_try_at = NULL,
         trigger = 'redeliver', updated_at = ?
       WHERE ${where} RETURNING seq`,
        now,
        now,
        arg,
      )
      .toArray().length
  }

  /** The delivery log, newest first; `before`: attempts older than that id (the next page). */
  attempts(limit: number, before?: number): Attempt[] {
    return this.sql
      .exec<Row>(
        `SELECT id, event_id, event_type, at, status, ok, latency_ms, response, trigger
         FROM attempts WHERE id < ? ORDER BY id DESC LIMIT ?`,
        before ?? Number.MAX_SAFE_INTEGER,
        limit,
      )
      .toArray()
      .map((r) => ({
        id: r.id as number,
        eventId: r.event_id as string,
        eventType: r.event_type as string,
        at: new Date(r.at as number).toISOString(),
        status: (r.status as number | null) ?? null,
        ok: r.ok === 1,
        latencyMs: r.latency_ms as number,
        response: r.response as string,
        trigger: r.trigger as Attempt['trigger'],
      }))
  }

  /** The events held, newest first. */
  events(limit: number): EndpointEvent[] {
    return this.sql
      .exec<Row>(
        `SELECT id, type, at, state, attempts, next_at FROM events ORDER BY seq DESC LIMIT ?`,
        limit,
      )
      .toArray()
      .map((r) => ({
        id: r.id as string,
        type: r.type as string,
        timestamp: new Date(r.at as number).toISOString(),
        state: r.state as EndpointEvent['state'],
        attempts: r.attempts as number,
        nextAttemptAt: r.state === 'pending' ? new Date(r.next_at as number).toISOString() : null,
      }))
  }

  /** How many events are pending, delivered and failed. */
  counts(): Record<EndpointEvent['state'], number> {
    const out = { pending: 0, delivered: 0, failed: 0 }
    const rows = this.sql.exec<{ state: string; n: number }>(
      'SELECT state, COUNT(*) AS n FROM events GROUP BY state',
    )
    for (const r of rows) if (r.state in out) out[r.state as keyof typeof out] = r.n
    return out
  }

  /**
   * A privacy erasure: drops every event whose body names one of `needles` (the person's
   * address, their cart ids), whatever its state; how many.
   */
  forget(needles: readonly string[]): number {
    let n = 0
    for (const needle of needles) {
      if (!needle) continue
      // As the body's JSON writes the whole value, quotes included: ann@… is not joann@….
      const quoted = JSON.stringify(needle)
      n += this.sql
        .exec('DELETE FROM events WHERE instr(body, ?) > 0 RETURNING seq', quoted)
        .toArray().length
    }
    return n
  }

  /** Drops what is past keeping: settled events and attempts older than `KEEP_MS`. */
  prune(now: number): void {
    const before = now - KEEP_MS
    this.sql.exec(`DELETE FROM events WHERE state != 'pending' AND at < ?`, before)
    this.sql.exec('DELETE FROM attempts WHERE at < ?', before)
  }
}
