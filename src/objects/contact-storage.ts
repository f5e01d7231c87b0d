import type {
  ConsentRecord,
  ContactEffect,
  ContactState,
  ContactTimers,
  InboundText,
  OptIn,
  ThreadState,
} from '../domain/contact/types'
import type { PendingText } from '../services/conversation/store'
import { ConversationStorage } from './conversation-storage'
import { KnownAlarm } from './known-alarm'

type InboundRow = {
  sid: string
  at: number
  body: string
  cart_id: string | null
  was_suppressed: number
  opt_out: number
  attempts: number
}

/** The key-value keys `ContactState` is kept under. */
const STATE_KEYS: ReadonlySet<string> = new Set([
  'optIn',
  'suppressed',
  'thread',
  'activeCart',
  'retryAt',
])

/** Every read and write of the contact object's storage, by name. */
export class ContactStorage {
  /** The part the conversation service reads and writes. */
  readonly conversation: ConversationStorage
  /**
   * The state as stored, read once per instance (issue 14: an answered text read its five keys
   * nine times, 45 reads). Every write of its keys goes through this class, which keeps it equal to
   * what storage would answer, or forgets it.
   */
  private known: ContactState | null = null

  constructor(private readonly storage: DurableObjectStorage) {
    this.conversation = new ConversationStorage(storage)
  }

  private get sql() {
    return this.storage.sql
  }
  private get kv() {
    return this.storage.kv
  }

  state(): ContactState {
    this.known ??= {
      optIn: this.kv.get<OptIn>('optIn') ?? 'none',
      suppressed: this.kv.get<boolean>('suppressed') ?? false,
      thread: this.kv.get<ThreadState>('thread') ?? 'ai',
      activeCart: this.kv.get<string>('activeCart') ?? null,
      retryAt: this.kv.get<number>('retryAt') ?? null,
    }
    return { ...this.known }
  }

  /**
   * Writes the keys that changed from what is stored (the same keys the object always used). An
   * active cart going to null is not written: the stored one stays.
   */
  saveState(after: ContactState): void {
    const before = this.state()
    if (after.optIn !== before.optIn) this.kv.put('optIn', after.optIn)
    if (after.suppressed !== before.suppressed) this.kv.put('suppressed', after.suppressed)
    if (after.thread !== before.thread) this.kv.put('thread', after.thread)
    if (after.activeCart !== before.activeCart && after.activeCart !== null)
      this.kv.put('activeCart', after.activeCart)
    if (after.retryAt !== before.retryAt) {
      if (after.retryAt === null) this.kv.delete('retryAt')
      else this.kv.put('retryAt', after.retryAt)
    }
    this.known = { ...after, activeCart: after.activeCart ?? before.activeCart }
  }

  /** Named keys: the contact's address, its policy, anything a later build adds. */
  get<T>(key: string): T | undefined {
    return this.kv.get<T>(key)
  }
  put(key: string, value: unknown): void {
    this.kv.put(key, value)
    if (STATE_KEYS.has(key)) this.known = null
  }

  /** Runs the storage effects of a transition; returns the others, in order, for the shell. */
  apply(effects: ContactEffect[]): ContactEffect[] {
    const rest: ContactEffect[] = []
    for (const e of effects) {
      if (e.type === 'append_consent') this.appendConsent(e.record)
      else if (e.type === 'store_inbound') this.storeInbound(e.text)
      else if (e.type === 'add_turn') this.conversation.addTurn(e.key, e.turn, e.cartId)
      else if (e.type === 'count_text') this.countText(e.at, e.cartId, e.pruneBefore)
      else if (e.type === 'mark_inbound')
        this.sql.exec(
          'UPDATE inbound SET attempts = ?, pending = ? WHERE sid = ?',
          e.attempts,
          e.pending ? 1 : 0,
          e.sid,
        )
      else if (e.type === 'purge') {
        this.sql.exec('DELETE FROM consent WHERE at < ?', e.consentBefore)
        this.sql.exec('DELETE FROM turns WHERE at < ?', e.turnsBefore)
      } else rest.push(e)
    }
    return rest
  }

  lastConsent(): { seq: number; granted: boolean; text: string; at: number } | null {
    const r = this.sql
      .exec<{ seq: number; granted: number; text: string; at: number }>(
        'SELECT seq, granted, text, at FROM consent ORDER BY seq DESC LIMIT 1',
      )
      .toArray()[0]
    return r ? { seq: r.seq, granted: Boolean(r.granted), text: r.text, at: r.at } : null
  }

  private appendConsent(e: ConsentRecord): void {
    this.sql.exec(
      'INSERT INTO consent (at, granted, text, ip, user_agent, page, cart_id, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      e.at,
      e.granted ? 1 : 0,
      e.text,
      e.ip,
      e.userAgent,
      e.page,
      e.cartId,
      e.source,
    )
  }

  /** Every consent record, oldest first. */
  ledger(): ConsentRecord[] {
    return this.sql
      .exec<{
        at: number
        granted: number
        text: string
        ip: string | null
        user_agent: string | null
        page: string | null
        cart_id: string
        source: string
      }>(
        'SELECT at, granted, text, ip, user_agent, page, cart_id, source FROM consent ORDER BY seq',
      )
      .toArray()
      .map((r) => ({
        granted: Boolean(r.granted),
        text: r.text,
        at: r.at,
        ip: r.ip,
        userAgent: r.user_agent,
        page: r.page,
        cartId: r.cart_id,
        source: r.source,
      }))
  }

  /** When texts went out to this contact (newest two days). */
  textTimes(): number[] {
    return this.sql
      .exec<{ at: number }>('SELECT at FROM texts ORDER BY at')
      .toArray()
      .map((r) => r.at)
  }

  private countText(at: number, cartId: string, pruneBefore: number): void {
    this.sql.exec('INSERT INTO texts (at, cart_id) VALUES (?, ?)', at, cartId)
    this.sql.exec('DELETE FROM texts WHERE at < ?', pruneBefore)
  }

  seen(sid: string): boolean {
    return this.sql.exec('SELECT 1 FROM inbound WHERE sid = ?', sid).toArray().length > 0
  }

  private storeInbound(t: InboundText): void {
    this.sql.exec(
      'INSERT INTO inbound (sid, at, body, pending, cart_id, was_suppressed, opt_out) VALUES (?, ?, ?, 1, ?, ?, ?)',
      t.sid,
      t.at,
      t.body,
      t.cartId,
      t.wasSuppressed ? 1 : 0,
      t.optOut ? 1 : 0,
    )
  }

  /** The texts still to handle: opt-outs first, then in order. */
  pendingTexts(): PendingText[] {
    return this.sql
      .exec<InboundRow>(
        `SELECT sid, at, body, cart_id, was_suppressed, opt_out, attempts FROM inbound
         WHERE pending = 1 ORDER BY opt_out DESC, at, sid`,
      )
      .toArray()
      .map((r) => ({
        sid: r.sid,
        at: r.at,
        body: r.body,
        cartId: r.cart_id,
        wasSuppressed: r.was_suppressed === 1,
        optOut: r.opt_out === 1,
        attempts: r.attempts,
      }))
  }

  markHandled(sid: string): void {
    this.sql.exec('UPDATE inbound SET pending = 0 WHERE sid = ?', sid)
  }

  /** Keys still `calling` that started at or before `before`. */
  staleCalls(before: number): string[] {
    return this.sql
      .exec<{ id: string }>("SELECT id FROM replies WHERE state = 'calling' AND at <= ?", before)
      .toArray()
      .map((r) => r.id)
  }

  /** A deleted cart takes its part of the thread, its held replies and its offered code. */
  forgetCart(cartId: string): void {
    this.sql.exec('DELETE FROM turns WHERE cart_id = ?', cartId)
    this.sql.exec("UPDATE inbound SET body = '', cart_id = NULL WHERE cart_id = ?", cartId)
    this.sql.exec('DELETE FROM outgoing WHERE cart_id = ?', cartId)
    this.kv.delete(`incentive:${cartId}`)
  }

  /**
   * A privacy erasure: the whole thread, held replies, offered codes, the texts' times and the
   * bodies of received texts (their SIDs stay, so a retried webhook is still a duplicate). The
   * consent ledger, the opt-in and the opt-out stay: evidence kept 4 years. Returns the turns.
   */
  forgetPerson(): number {
    const turns = this.sql.exec('DELETE FROM turns').rowsWritten
    this.sql.exec("UPDATE inbound SET body = '', cart_id = NULL, pending = 0")
    this.sql.exec('DELETE FROM outgoing')
    this.sql.exec('DELETE FROM texts')
    for (const [key] of this.kv.list({ prefix: 'incentive:' })) this.kv.delete(key)
    this.kv.delete('activeCart')
    this.kv.delete('thread')
    this.known = null
    return turns
  }

  /** What the alarm's time depends on, in one statement (it runs after every step). */
  timers(): ContactTimers {
    const t = this.sql
      .exec<{
        pending: number
        deferred: number | null
        consent: number | null
        turn: number | null
        calling: number | null
      }>(
        `SELECT EXISTS (SELECT 1 FROM inbound WHERE pending = 1) AS pending,
          (SELECT MIN(send_at) FROM outgoing) AS deferred,
          (SELECT MIN(at) FROM consent) AS consent,
          (SELECT MIN(at) FROM turns) AS turn,
          (SELECT MIN(at) FROM replies WHERE state = 'calling') AS calling`,
      )
      .one()
    return {
      pendingInbound: t.pending === 1,
      deferredAt: t.deferred,
      oldestConsent: t.consent,
      oldestTurn: t.turn,
      oldestCalling: t.calling,
    }
  }
}

/**
 * The object's one alarm, written only when its time changes from what this instance last wrote
 * or read (a known contact's consent, or a pass ending at the time it began, writes nothing).
 * Unknown again when the alarm rings: a handler that sets no alarm has it deleted after.
 */
export class ContactAlarm extends KnownAlarm {
  /** Sets the alarm to `at`, or deletes it (null), unless storage holds that already. */
  async keep(at: number | null): Promise<void> {
    if (at !== this.known) await this.write(at)
  }

  /** Makes sure the alarm rings by `at`: one due sooner is left as it is. */
  async bringForward(at: number): Promise<void> {
    if (this.known === undefined) this.known = await this.storage.getAlarm()
    if (this.known === null || this.known > at) await this.write(at)
  }
}
