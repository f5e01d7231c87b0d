import { DurableObject } from 'cloudflare:workers'
import { type Adapters, createAdapters } from '../adapters'
import { newCart, next, wakeAt } from '../domain/cart/machine'
import { type CartReport, cartReport } from '../domain/cart/report'
import { parseState } from '../domain/cart/schema'
import type {
  Beacon,
  CartEvent,
  CartState,
  JournalEntry,
  MerchantAction,
  OrderReport,
  Refusal,
} from '../domain/cart/types'
import type { CartPolicy } from '../domain/store/settings'
import { log } from '../lib/log'

/** Identifies a cart; the object's name is derived from it, see `cartStub`. */
export type CartRef = { storeId: string; cartId: string }

export type CartSnapshot = { state: CartState; journal: JournalEntry[] }
export type ApplyResult = { state: CartState; refused?: Refusal }

/** Storage layout version, run in the constructor; add a step when the layout changes. */
const SCHEMA_VERSION = 1
const MAX_JOURNAL_READ = 2000
const RETRY_BASE_MS = 5_000
const RETRY_MAX_MS = 10 * 60_000

/** The stub of the one Durable Object that owns a cart. */
export function cartStub(ns: DurableObjectNamespace<CartObject>, ref: CartRef) {
  return ns.getByName(`${ref.storeId}:${ref.cartId}`)
}

/**
 * One shopping cart. Loads state, runs the pure `next`, persists state, journal and outbox in
 * one transaction, sets the single alarm, then runs the outbox. Safe to repeat: alarms are
 * at-least-once and the outbox is re-run on the next wake.
 */
export class CartObject extends DurableObject<Env> {
  private state: CartState | null = null
  protected adapters: Adapters

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.adapters = createAdapters(env)
    ctx.blockConcurrencyWhile(async () => {
      this.migrate()
      this.state = parseState(this.ctx.storage.kv.get('state'))
    })
  }

  /** A beacon from the storefront; creates the cart on first sight. */
  async ingest(ref: CartRef, beacon: Beacon, policy: CartPolicy, currency: string) {
    const created = this.state === null
    const state =
      this.state ?? newCart(ref.storeId, ref.cartId, currency, Date.now(), this.revisionFloor())
    const extra: JournalEntry[] = created
      ? [{ at: Date.now(), type: 'cart.created', source: 'storefront' }]
      : []
    return this.apply(state, { type: 'beacon.received', beacon }, policy, extra)
  }

  /** The shopper opened a restore link. Null when the cart does not exist (erased). */
  async clickRestore(step: string | null, policy: CartPolicy): Promise<ApplyResult | null> {
    if (!this.state) return null
    return this.apply(this.state, { type: 'restore.clicked', step }, policy)
  }

  async reportOrder(order: OrderReport, policy: CartPolicy): Promise<ApplyResult | null> {
    if (!this.state) return null
    return this.apply(this.state, { type: 'order.reported', order }, policy)
  }

  async act(action: MerchantAction, policy: CartPolicy): Promise<ApplyResult | null> {
    if (!this.state) return null
    return this.apply(this.state, { type: 'merchant.acted', action }, policy)
  }

  async snapshot(): Promise<CartSnapshot | null> {
    if (!this.state) return null
    const rows = this.ctx.storage.sql
      .exec<{ entry: string }>(
        'SELECT entry FROM (SELECT seq, entry FROM journal ORDER BY seq DESC LIMIT ?) ORDER BY seq',
        MAX_JOURNAL_READ,
      )
      .toArray()
    return { state: this.state, journal: rows.map((r) => JSON.parse(r.entry) as JournalEntry) }
  }

  /**
   * Erases everything this cart holds (state, journal, consent, outbox, alarm). Keeps only a
   * revision floor so a reused cart id starts above every report already in flight.
   */
  async erase(): Promise<{ revision: number } | null> {
    // Erasing again answers with the same floor, so a caller can retry the D1 part.
    if (!this.state) {
      const floor = this.ctx.storage.kv.get<number>('revisionFloor')
      return floor === undefined ? null : { revision: floor }
    }
    const revision = this.state.revision
    await this.ctx.storage.deleteAlarm()
    await this.ctx.storage.deleteAll()
    this.migrate()
    this.ctx.storage.kv.put('revisionFloor', revision)
    this.state = null
    return { revision }
  }

  override async alarm(): Promise<void> {
    if (!this.state) return
    await this.apply(this.state, { type: 'timer.fired' }, this.policy())
  }

  private async apply(
    state: CartState,
    event: CartEvent,
    policy: CartPolicy,
    extraJournal: JournalEntry[] = [],
  ): Promise<ApplyResult> {
    const now = Date.now()
    const t = next(state, event, now, policy)
    const journal = [...extraJournal, ...t.journal]
    const publish = t.effects.some((e) => e.type === 'publish_report')
    const sql = this.ctx.storage.sql
    this.ctx.storage.transactionSync(() => {
      this.ctx.storage.kv.put('state', t.state)
      this.ctx.storage.kv.put('policy', policy)
      for (const entry of journal) {
        sql.exec(
          'INSERT INTO journal (at, type, entry) VALUES (?, ?, ?)',
          entry.at,
          entry.type,
          JSON.stringify(entry),
        )
      }
      if (publish) {
        // Only the newest report matters: it replaces any older one still pending.
        sql.exec(
          `INSERT INTO outbox (id, body, attempts, next_at) VALUES ('report', ?, 0, ?)
           ON CONFLICT(id) DO UPDATE SET body = excluded.body, attempts = 0, next_at = excluded.next_at`,
          JSON.stringify(cartReport(t.state)),
          now,
        )
      }
    })
    this.state = t.state
    await this.schedule()
    await this.flushOutbox()
    return t.refused ? { state: t.state, refused: t.refused } : { state: t.state }
  }

  /**
   * One alarm: the earliest of the machine's wake time and a pending outbox retry. A report
   * about to be sent counts as a retry a few seconds out, so a crash mid-send still wakes us.
   */
  private async schedule(): Promise<void> {
    // Recomputed from the current state, never passed in: other events may have run while
    // this one awaited the Queue, and a captured wake time would be stale.
    const wake = this.state ? wakeAt(this.state, this.policy()) : null
    const row = this.ctx.storage.sql
      .exec<{ next_at: number | null }>('SELECT MIN(next_at) AS next_at FROM outbox')
      .one()
    const retry = row.next_at === null ? null : Math.max(row.next_at, Date.now() + RETRY_BASE_MS)
    const times = [wake, retry].filter((t): t is number => t !== null)
    if (times.length === 0) await this.ctx.storage.deleteAlarm()
    else await this.ctx.storage.setAlarm(Math.min(...times))
  }

  private async flushOutbox(): Promise<void> {
    const now = Date.now()
    const due = this.ctx.storage.sql
      .exec<{ id: string; body: string; attempts: number }>(
        'SELECT id, body, attempts FROM outbox WHERE next_at <= ?',
        now,
      )
      .toArray()
    if (due.length === 0) return
    for (const item of due) {
      const result = await this.adapters.reports.publish(JSON.parse(item.body) as CartReport)
      if (result.ok) {
        // Delete only the body we sent: a newer report written meanwhile stays pending.
        this.ctx.storage.sql.exec(
          'DELETE FROM outbox WHERE id = ? AND body = ?',
          item.id,
          item.body,
        )
        continue
      }
      const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** item.attempts)
      const jitter = Math.floor(Math.random() * delay * 0.2)
      this.ctx.storage.sql.exec(
        'UPDATE outbox SET attempts = attempts + 1, next_at = ? WHERE id = ? AND body = ?',
        now + delay + jitter,
        item.id,
        item.body,
      )
      log('warn', 'report send failed; will retry', { id: item.id, code: result.code })
    }
    await this.schedule()
  }

  private policy(): CartPolicy {
    const policy = this.ctx.storage.kv.get<CartPolicy>('policy')
    if (!policy) throw new Error('cart has state but no policy')
    return policy
  }

  private revisionFloor(): number {
    return this.ctx.storage.kv.get<number>('revisionFloor') ?? 0
  }

  private migrate(): void {
    const version = this.ctx.storage.kv.get<number>('schemaVersion') ?? 0
    if (version >= SCHEMA_VERSION) return
    this.ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS journal (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        entry TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS outbox (
        id TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER NOT NULL
      );
    `)
    this.ctx.storage.kv.put('schemaVersion', SCHEMA_VERSION)
  }
}
