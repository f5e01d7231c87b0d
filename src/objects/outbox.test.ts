// The outbox over a real cart object's SQLite (its constructor lays the tables out), with the
// clock passed in: every time below is a number, nothing sleeps.
import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { cartTables } from './cart-storage'
import {
  backoff,
  MAX_SEND_ATTEMPTS,
  mayRetry,
  Outbox,
  type OutboxRow,
  RETRY_BASE_MS,
  RETRY_MAX_MS,
  SENDING_TIMEOUT_MS,
} from './outbox'

const T = 1_800_000_000_000
const run = (stepId: string) => ({
  stepId,
  channel: 'email' as const,
  key: `cart:1:${stepId}:email`,
})

/** Runs `fn` with an outbox over a fresh cart object's storage; `random` is the jitter's source. */
function withOutbox<R>(fn: (o: Outbox, s: DurableObjectStorage) => R, random = () => 0.5) {
  const stub = env.CART.get(env.CART.newUniqueId())
  return runInDurableObject(stub, (_o, state) =>
    fn(new Outbox(state.storage, cartTables(state.storage), random), state.storage),
  )
}

const rowsOf = (s: DurableObjectStorage) =>
  s.sql
    .exec<{
      id: string
      state: string
      attempts: number
      next_at: number
      last_error: string | null
    }>('SELECT id, state, attempts, next_at, last_error FROM outbox ORDER BY id')
    .toArray()

describe('backoff', () => {
  it('doubles from the base up to the cap', () => {
    const none = () => 0
    expect([0, 1, 2, 3, 10, 20].map((a) => backoff(a, none))).toEqual([
      RETRY_BASE_MS,
      2 * RETRY_BASE_MS,
      4 * RETRY_BASE_MS,
      8 * RETRY_BASE_MS,
      RETRY_MAX_MS,
      RETRY_MAX_MS,
    ])
  })

  it('adds jitter of at most a fifth of the delay', () => {
    for (const a of [0, 3, 12]) {
      const delay = backoff(a, () => 0)
      expect(backoff(a, () => 0.999_999)).toBeLessThan(delay * 1.2)
      expect(backoff(a, () => 0.999_999)).toBeGreaterThan(delay * 1.19)
      expect(backoff(a, () => 0.5)).toBe(delay + Math.floor(delay * 0.1))
    }
  })

  it('allows a retry only while attempts are left', () => {
    expect(mayRetry({ attempts: 0 })).toBe(true)
    expect(mayRetry({ attempts: MAX_SEND_ATTEMPTS - 2 })).toBe(true)
    expect(mayRetry({ attempts: MAX_SEND_ATTEMPTS - 1 })).toBe(false)
  })
})

describe('Outbox', () => {
  it('moves a message row pending → sending → calling → sent, due again only while open', async () => {
    const out = await withOutbox((o, s) => {
      o.queueMessage(run('e1'), T)
      o.queueMessage(run('e1'), T + 1) // the same key again: queued once, ever
      const early = o.due(T - 1)
      const row = o.due(T)!
      o.mark(row.id, 'sending', T)
      const whileSending = o.due(T + 1)
      o.mark(row.id, 'calling', T + 10)
      const calling = rowsOf(s)[0]
      o.finish(row.id, 'sent', null)
      return {
        early,
        row,
        whileSending,
        calling,
        after: o.due(T + 10 * SENDING_TIMEOUT_MS),
        earliest: o.earliestDue(T),
      }
    })
    expect(out.early).toBeNull()
    expect(out.row).toEqual({
      id: run('e1').key,
      kind: 'message',
      body: JSON.stringify(run('e1')),
      state: 'pending',
      attempts: 0,
    })
    expect(out.whileSending).toBeNull()
    expect(out.calling).toMatchObject({ state: 'calling', next_at: T + 10 + SENDING_TIMEOUT_MS })
    expect(out.after).toBeNull()
    expect(out.earliest).toBeNull()
  })

  it('retries with growing back-off and jitter, keeping the error, until attempts run out', async () => {
    const out = await withOutbox(
      (o, s) => {
        o.queueMessage(run('e1'), T)
        const seen: { attempts: number; next_at: number; last_error: string | null }[] = []
        let now = T
        for (;;) {
          const row = o.due(now)!
          if (!mayRetry(row)) return { seen, last: row }
          o.retryLater(row, `try_${row.attempts}`, now)
          const r = rowsOf(s)[0]!
          seen.push({ attempts: r.attempts, next_at: r.next_at - now, last_error: r.last_error })
          now = r.next_at
        }
      },
      () => 0.25,
    )
    const delays = [0, 1, 2, 3].map((a) => backoff(a, () => 0.25))
    expect(out.seen).toEqual(
      delays.map((d, i) => ({ attempts: i + 1, next_at: d, last_error: `try_${i}` })),
    )
    expect(out.last.attempts).toBe(MAX_SEND_ATTEMPTS - 1)
  })

  it('records each outcome of a send', async () => {
    const rows = await withOutbox((o, s) => {
      for (const id of ['a', 'b', 'c', 'd', 'e']) o.queueMessage(run(id), T)
      const row = (id: string) => ({
        ...(o.due(T) as OutboxRow),
        id: run(id).key,
        body: JSON.stringify(run(id)),
      })
      const report = { id: 'm' } as never
      o.record(row('a'), { type: 'retry', reason: 'coupon_429', withdraw: false }, T)
      o.record(row('b'), { type: 'wait', until: T + 3_600_000 }, T)
      o.record(row('c'), { type: 'not_sent', reason: 'cancelled', skipped: false }, T)
      o.record(
        row('d'),
        { type: 'done', result: { ok: true, providerId: 'p' }, report, coupon: null, to: 'x' },
        T,
      )
      const unknown = { ok: false as const, retryable: false, code: 'outcome_unknown', message: '' }
      o.record(row('e'), { type: 'done', result: unknown, report, coupon: null, to: 'x' }, T)
      return rowsOf(s).map((r) => [
        r.id.split(':')[2],
        r.state,
        r.attempts,
        r.next_at - T,
        r.last_error,
      ])
    })
    expect(rows).toEqual([
      ['a', 'pending', 1, backoff(0, () => 0.5), 'coupon_429'],
      ['b', 'pending', 0, 3_600_000, null],
      ['c', 'failed', 0, -T, 'cancelled'],
      ['d', 'sent', 0, -T, null],
      ['e', 'failed', 0, -T, 'outcome_unknown'],
    ])
  })

  it('takes a row a crash left sending or calling up again after the timeout, for a bounded number of tries', async () => {
    const out = await withOutbox((o) => {
      o.queueMessage(run('e1'), T)
      o.queueMessage(run('e2'), T)
      o.mark(run('e1').key, 'sending', T)
      o.mark(run('e2').key, 'calling', T)
      const before = o.due(T + SENDING_TIMEOUT_MS - 1)
      const first = o.due(T + SENDING_TIMEOUT_MS)!
      const resumed = o.resume(first)
      const spent = o.resume({ ...first, attempts: MAX_SEND_ATTEMPTS - 1 })
      return { before, first, resumed, spent, earliest: o.earliestDue(T) }
    })
    expect(out.before).toBeNull()
    expect(['sending', 'calling']).toContain(out.first.state)
    expect(out.resumed).toEqual({ ...out.first, attempts: 1 })
    expect(out.spent).toBeNull()
    expect(out.earliest).toBe(T + SENDING_TIMEOUT_MS)
  })

  it('reconciles runs left sending after a crash: settled from a finished row, re-queued without one', async () => {
    const out = await withOutbox((o, s) => {
      for (const id of ['sent', 'failed', 'open']) o.queueMessage(run(id), T)
      o.finish(run('sent').key, 'sent', null)
      o.finish(run('failed').key, 'failed', 'outcome_unknown')
      const settled = o.reconcile(['sent', 'failed', 'open', 'missing'].map(run), T + 5)
      return { settled, missing: rowsOf(s).find((r) => r.id === run('missing').key) }
    })
    expect(out.settled).toEqual([
      { stepId: 'sent', key: run('sent').key, outcome: 'sent', reason: null },
      { stepId: 'failed', key: run('failed').key, outcome: 'failed', reason: 'outcome_unknown' },
    ])
    expect(out.missing).toMatchObject({ state: 'pending', attempts: 0, next_at: T + 5 })
  })

  it('wakes at the earliest open row, never sooner than the retry base', async () => {
    const out = await withOutbox((o) => {
      const empty = o.earliestDue(T)
      o.queueMessage(run('late'), T + 60_000)
      const one = o.earliestDue(T)
      o.queueMessage(run('now'), T)
      const soon = o.earliestDue(T)
      o.finish(run('now').key, 'sent', null)
      return { empty, one, soon, after: o.earliestDue(T) }
    })
    expect(out).toEqual({
      empty: null,
      one: T + 60_000,
      soon: T + RETRY_BASE_MS,
      after: T + 60_000,
    })
  })

  it('holds a failed report for the alarm, keeps the newest only, and marks sent only the body it sent', async () => {
    const wait = backoff(0, () => 0.5)
    const out = await withOutbox((o, s) => {
      o.reportFailed('{"v":1}', 'queue_down', T)
      const first = { rows: rowsOf(s), due: o.due(T), earliest: o.earliestDue(T) }
      const sent = o.due(T + wait)!
      o.reportFailed('{"v":2}', 'queue_down', T + 1) // newer: replaces it
      const replaced = rowsOf(s)[0]
      o.delivered(sent) // the old body's answer: the newer report stays
      const kept = rowsOf(s)
      o.delivered(o.due(T + 1 + wait)!)
      const done = { rows: rowsOf(s), due: o.due(T + 10), earliest: o.earliestDue(T + 10) }
      o.reportFailed('{"v":3}', 'queue_down', T + 20) // the next failure reuses the row
      return { first, replaced, kept, done, next: rowsOf(s) }
    })
    // Not due at once: one attempt spent, retried after the back-off.
    expect(out.first).toEqual({
      rows: [
        {
          id: 'report',
          state: 'pending',
          attempts: 1,
          next_at: T + wait,
          last_error: 'queue_down',
        },
      ],
      due: null,
      earliest: T + wait,
    })
    expect(out.replaced).toMatchObject({ id: 'report', state: 'pending', next_at: T + 1 + wait })
    expect(out.kept).toMatchObject([{ id: 'report', state: 'pending' }])
    // Sent: kept for the next failure to overwrite, never due again.
    expect(out.done).toEqual({
      rows: [{ id: 'report', state: 'sent', attempts: 0, next_at: 0, last_error: null }],
      due: null,
      earliest: null,
    })
    expect(out.next).toEqual([
      {
        id: 'report',
        state: 'pending',
        attempts: 1,
        next_at: T + 20 + wait,
        last_error: 'queue_down',
      },
    ])
  })

  it('deletes a message report once published (one row per message, never reused)', async () => {
    const out = await withOutbox((o, s) => {
      o.putMessageReport('msg_1', '{"m":1}', T)
      o.delivered(o.due(T)!)
      return rowsOf(s)
    })
    expect(out).toEqual([])
  })

  it('reads an empty outbox once (its table built, as after a first message), and sees every row written after', async () => {
    await withOutbox((_o, storage) => {
      // Counts the queries the outbox makes through a storage whose `sql.exec` is counted.
      let queries = 0
      const sql = storage.sql
      const counted = {
        sql: {
          exec: (query: string, ...args: unknown[]) => {
            queries++
            return sql.exec(query, ...args)
          },
        },
      } as unknown as DurableObjectStorage
      const tables = cartTables(storage)
      tables.build()
      const o = new Outbox(counted, tables, () => 0.5)
      expect(o.earliestDue(T)).toBeNull()
      const afterFirstRead = queries
      expect(afterFirstRead).toBe(1)
      expect([o.messagesOpen(), o.due(T), o.earliestDue(T)]).toEqual([false, null, null])
      expect(queries).toBe(afterFirstRead)
      // A row written through it is seen at once, by every read.
      o.queueMessage(run('email-1h'), T)
      expect(o.messagesOpen()).toBe(true)
      expect(o.due(T)?.id).toBe(run('email-1h').key)
      expect(o.earliestDue(T)).toBe(T + RETRY_BASE_MS)
      o.finish(run('email-1h').key, 'sent', null)
      expect(o.earliestDue(T)).toBeNull()
      o.reportFailed('{"kind":"cart"}', 'queue down', T)
      expect(o.due(T + RETRY_MAX_MS)?.kind).toBe('report')
    })
  })
})
