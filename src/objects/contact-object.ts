import { DurableObject } from 'cloudflare:workers'
import { type Adapters, createAdapters } from '../adapters'
import { isSuppressed, suppress, unsuppress } from '../db/suppressions'
import { keywordOf, replies } from '../domain/contact/keywords'
import type { MessageReport } from '../domain/message/report'
import { log } from '../lib/log'
import { messageIdFor } from './deliver'

/** One person's address at one store: `sms` + E.164 phone, or `email` + normalised address. */
export type ContactRef = { storeId: string; channel: 'email' | 'sms'; address: string }

export type ConsentEvidence = {
  granted: boolean
  text: string
  at: number
  ip: string | null
  userAgent: string | null
  page: string | null
  cartId: string
  source: string
}

/** What a store tells a contact so it can answer and text on its behalf. */
export type ContactPolicy = {
  storeName: string
  doubleOptIn: boolean
  smsFrom: { messagingServiceSid: string } | { number: string } | null
  baseUrl: string
  support: string | null
}

export type ContactFactsView = {
  suppressed: boolean
  optIn: 'none' | 'pending' | 'confirmed'
  consent: { granted: boolean; at: number } | null
  recentTexts: number[]
}

const DAY = 86_400_000
/** Consent evidence is kept four years (TCPA limitation period), apart from cart data. */
const RETENTION_MS = 4 * 365 * DAY

/** The stub of the object that owns one address of one store. */
export function contactStub(ns: DurableObjectNamespace<ContactObject>, ref: ContactRef) {
  return ns.getByName(`${ref.storeId}:${ref.channel}:${ref.address}`)
}

/**
 * A contact: the append-only consent ledger (kept 4 years, not erased with a cart), double
 * opt-in, suppression by reply, the texts it received (for the daily cap) and its active cart
 * (one sequence at a time). Email and phone of one shopper are two contacts; a cart names both.
 */
export class ContactObject extends DurableObject<Env> {
  protected adapters: Adapters

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.adapters = createAdapters(env)
    ctx.blockConcurrencyWhile(async () => this.migrate())
  }

  /** Appends consent evidence; a first SMS consent under double opt-in asks for YES. */
  async recordConsent(
    ref: ContactRef,
    e: ConsentEvidence,
    policy: ContactPolicy,
  ): Promise<ContactFactsView> {
    this.remember(ref)
    const last = this.sql
      .exec<{ granted: number; text: string }>(
        'SELECT granted, text FROM consent ORDER BY seq DESC LIMIT 1',
      )
      .toArray()[0]
    if (!last || Boolean(last.granted) !== e.granted || last.text !== e.text) {
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
    if (ref.channel === 'sms') {
      if (!e.granted) this.kv.put('optIn', 'none')
      else if (policy.doubleOptIn && this.optIn() === 'none' && !this.suppressed()) {
        // Once per consent record: a new consent after a STOP or a withdrawal asks again.
        const seq = this.sql.exec<{ seq: number }>('SELECT MAX(seq) AS seq FROM consent').one().seq
        this.kv.put('optIn', 'pending')
        const sent = await this.text(
          ref,
          policy,
          `optin-${seq}`,
          replies.confirmRequest(policy.storeName),
        )
        if (!sent) this.kv.put('optIn', 'none')
      }
    }
    await this.scheduleRetention()
    return this.facts()
  }

  async facts(asked?: ContactRef): Promise<ContactFactsView> {
    const latest = this.sql
      .exec<{ granted: number; at: number }>(
        'SELECT granted, at FROM consent ORDER BY seq DESC LIMIT 1',
      )
      .toArray()[0]
    const recent = this.sql
      .exec<{ at: number }>('SELECT at FROM texts WHERE at > ? ORDER BY at', Date.now() - DAY)
      .toArray()
      .map((r) => r.at)
    // Suppression has one source of truth for every channel and origin (reply, link, bounce):
    // the D1 row; the object's own flag answers without a read after a STOP it handled.
    const ref = asked ?? this.kv.get<ContactRef>('ref')
    const suppressed =
      this.suppressed() ||
      (ref ? await isSuppressed(this.env.DB, ref.storeId, ref.channel, ref.address) : false)
    return {
      suppressed,
      optIn: this.optIn(),
      consent: latest ? { granted: Boolean(latest.granted), at: latest.at } : null,
      recentTexts: recent,
    }
  }

  /** A reminder went out to this phone (any cart): counts toward the daily cap. */
  async recordText(at: number, cartId: string): Promise<void> {
    this.sql.exec('INSERT INTO texts (at, cart_id) VALUES (?, ?)', at, cartId)
    this.sql.exec('DELETE FROM texts WHERE at < ?', Date.now() - 2 * DAY)
  }

  /** Makes `cartId` the contact's active cart; returns the cart it replaces, if another. */
  async registerCart(ref: ContactRef, cartId: string): Promise<string | null> {
    this.remember(ref)
    const previous = this.kv.get<string>('activeCart') ?? null
    this.kv.put('activeCart', cartId)
    return previous && previous !== cartId ? previous : null
  }

  /**
   * A text from this phone. Keywords first (STOP family, START/YES, HELP), each answered once
   * and journaled by the caller; other text is left for two-way SMS. De-duplicated by SID.
   */
  async inbound(
    ref: ContactRef,
    msg: { sid: string; body: string; at: number },
    policy: ContactPolicy,
  ) {
    this.remember(ref)
    const seen = this.sql.exec('SELECT 1 FROM inbound WHERE sid = ?', msg.sid).toArray().length > 0
    if (seen) return { duplicate: true, keyword: null }
    this.sql.exec('INSERT INTO inbound (sid, at) VALUES (?, ?)', msg.sid, msg.at)
    const keyword = keywordOf(msg.body)
    if (keyword === 'opt_out') {
      this.kv.put('suppressed', true)
      this.kv.put('optIn', 'none')
      await suppress(this.env.DB, {
        storeId: ref.storeId,
        channel: 'sms',
        address: ref.address,
        source: 'reply_stop',
      })
      await this.text(ref, policy, `stop-${msg.sid}`, replies.optedOut(policy.storeName))
    } else if (keyword === 'opt_in') {
      this.kv.put('suppressed', false)
      this.kv.put('optIn', 'confirmed')
      await unsuppress(this.env.DB, { storeId: ref.storeId, channel: 'sms', address: ref.address })
      await this.text(ref, policy, `start-${msg.sid}`, replies.confirmed(policy.storeName))
    } else if (keyword === 'help') {
      await this.text(
        ref,
        policy,
        `help-${msg.sid}`,
        replies.help(policy.storeName, policy.support),
      )
    }
    return { duplicate: false, keyword, activeCart: this.kv.get<string>('activeCart') ?? null }
  }

  /** Every consent record, oldest first: the evidence a merchant exports. */
  async ledger(): Promise<(ConsentEvidence & { channel: 'email' | 'sms'; address: string })[]> {
    const ref = this.kv.get<ContactRef>('ref')
    if (!ref) return []
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
        channel: ref.channel,
        address: ref.address,
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

  /** Drops consent records past retention; the alarm runs once a day while any is left. */
  override async alarm(): Promise<void> {
    this.sql.exec('DELETE FROM consent WHERE at < ?', Date.now() - RETENTION_MS)
    await this.scheduleRetention()
  }

  private async scheduleRetention() {
    const oldest = this.sql
      .exec<{ at: number | null }>('SELECT MIN(at) AS at FROM consent')
      .one().at
    if (oldest === null) await this.ctx.storage.deleteAlarm()
    else await this.ctx.storage.setAlarm(oldest + RETENTION_MS)
  }

  /** Sends a transactional reply (confirmation, help) once per key, and records it. */
  private async text(
    ref: ContactRef,
    policy: ContactPolicy,
    key: string,
    body: string,
  ): Promise<boolean> {
    const id = await messageIdFor(`${ref.storeId}:${ref.address}:${key}`)
    if (this.sql.exec('SELECT 1 FROM replies WHERE id = ?', id).toArray().length > 0) return true
    const sms = this.adapters.sms
    const from = policy.smsFrom ?? (sms.provider === 'outbox' ? { number: 'outbox' } : null)
    const now = Date.now()
    const result = from
      ? await sms.send(
          {
            to: ref.address,
            body,
            from,
            statusCallback: `${policy.baseUrl}/webhooks/twilio/${ref.storeId}/status`,
          },
          { idempotencyKey: id },
        )
      : ({ ok: false, retryable: false, code: 'no_sms_sender', message: 'no sender' } as const)
    if (!result.ok) log('warn', 'contact reply not sent', { code: result.code })
    // Recorded once it went out (or may have): a refused send can be tried again later.
    if (result.ok || result.code === 'outcome_unknown') {
      this.sql.exec('INSERT OR IGNORE INTO replies (id, at) VALUES (?, ?)', id, Date.now())
    }
    const report: MessageReport = {
      kind: 'message',
      id,
      storeId: ref.storeId,
      cartId: this.kv.get<string>('activeCart') ?? '-',
      stepId: key.replace(/-.*$/, ''),
      channel: 'sms',
      to: ref.address,
      status: result.ok ? (sms.provider === 'twilio' ? 'accepted' : 'sent') : 'failed',
      subject: null,
      preheader: null,
      text: body,
      html: null,
      provider: sms.provider,
      providerId: result.ok ? result.providerId : null,
      error: result.ok ? null : result.code,
      createdAt: now,
      updatedAt: now,
    }
    await this.adapters.reports.publish(report)
    return result.ok
  }

  private get sql() {
    return this.ctx.storage.sql
  }
  private get kv() {
    return this.ctx.storage.kv
  }
  private optIn(): 'none' | 'pending' | 'confirmed' {
    return this.kv.get<'none' | 'pending' | 'confirmed'>('optIn') ?? 'none'
  }
  private suppressed(): boolean {
    return this.kv.get<boolean>('suppressed') ?? false
  }
  private remember(ref: ContactRef) {
    if (!this.kv.get('ref')) this.kv.put('ref', ref)
  }

  private migrate() {
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS consent (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, granted INTEGER NOT NULL,
        text TEXT NOT NULL, ip TEXT, user_agent TEXT, page TEXT, cart_id TEXT NOT NULL, source TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS texts (at INTEGER NOT NULL, cart_id TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS inbound (sid TEXT PRIMARY KEY, at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS replies (id TEXT PRIMARY KEY, at INTEGER NOT NULL);
    `)
    this.kv.put('schemaVersion', 1)
  }
}
