import { DurableObject } from 'cloudflare:workers'
import { createAdapters } from '../adapters'
import { postSigned, signedHeaders } from '../adapters/webhook/post'
import { benchEnv } from '../bench-mode'
import { getConfig } from '../config'
import { type DeliveryConfig, deliveryConfig, disableEndpoint } from '../db/webhooks'
import { TEST_EVENT_TYPE, type WebhookEvent } from '../domain/webhook/events'
import { forEndpoint } from '../domain/webhook/mask'
import {
  ATTEMPT_TIMEOUT_MS,
  GIVE_UP_AFTER_MS,
  givesUp,
  nextAttemptAt,
  verdict,
} from '../domain/webhook/retry'
import { newId } from '../lib/ids'
import { log } from '../lib/log'
import { notifyDisabled } from '../services/webhooks/notice'
import type { Attempt, EndpointEvent } from '../views/webhooks'
import { migrateStorage } from './migrations'
import { type Due, type Queued, WEBHOOK_MIGRATIONS, WebhookLog } from './webhook-log'

export type { Queued }

/** Streams delivered at once: each stream (a cart) still goes one event at a time, in order. */
export const CONCURRENCY = 8
/** One alarm works this long at most, then hands over to the next (set at once). */
const PASS_MS = 60_000
/** A pass that failed (D1 unreadable) is tried again this much later. */
const PASS_RETRY_MS = 60_000
const FAILING_SINCE = 'failingSince'
/** The endpoint's id, kept by the first call that names it (the alarm is told nothing). */
const ENDPOINT = 'endpoint'

/**
 * One webhook endpoint (issue 16), named by its id: the events handed to it, their delivery in
 * order per stream, retries on its own alarm (no cron scan: a restart loses nothing, the alarm
 * fires again), the delivery log, redelivery and the test event. The endpoint's URL, secrets and
 * state are D1's (`db/webhooks.ts`), read once per pass.
 */
export class WebhookEndpoint extends DurableObject<Env> {
  /** The one clock this object reads: tests step it (`runInDurableObject`). */
  clock: () => number = () => Date.now()
  private readonly log: WebhookLog
  private passing: Promise<void> | null = null

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, benchEnv(env))
    this.log = new WebhookLog(ctx.storage.sql)
    ctx.blockConcurrencyWhile(async () => void migrateStorage(ctx.storage, WEBHOOK_MIGRATIONS))
  }

  /** Takes events (seen ids are ignored) and wakes the delivery; `held`: the endpoint is off. */
  async accept(endpointId: string, items: Queued[], held = false): Promise<{ added: number }> {
    this.remember(endpointId)
    // An enabled endpoint prunes in its passes; a disabled one runs none, so it prunes here.
    if (held) this.log.prune(this.clock())
    const added = this.log.accept(items, this.clock(), held)
    if (added > 0 && !held) await this.wake(this.clock())
    return { added }
  }

  /** Queues events again, one or all since a time; how many. */
  async redeliver(
    endpointId: string,
    which: { eventId: string } | { since: number },
  ): Promise<{ queued: number }> {
    this.remember(endpointId)
    const queued = this.log.redeliver(which, this.clock())
    // A redelivery the merchant asked for starts the failure clock afresh.
    if (queued > 0) this.ctx.storage.kv.delete(FAILING_SINCE)
    if (queued > 0) await this.wake(this.clock())
    return { queued }
  }

  /** Sends a `webhook.test` event now and logs the attempt; it is not kept for redelivery. */
  async sendTest(endpointId: string): Promise<Attempt | null> {
    const now = this.clock()
    const config = await this.config(endpointId, now)
    if (!config || config === 'unreadable') return null
    const event: WebhookEvent = {
      id: newId('evt'),
      type: TEST_EVENT_TYPE,
      timestamp: new Date(now).toISOString(),
      storeId: config.storeId,
      data: { message: 'A test event from Cartback: your endpoint receives and verifies events.' },
    }
    const body = JSON.stringify(event)
    const r = await postSigned(
      config.url,
      signedHeaders(event.id, body, config.secrets, now),
      body,
      ATTEMPT_TIMEOUT_MS,
      this.clock,
    )
    const ok = verdict(r.status) === 'delivered'
    const attempt = {
      eventId: event.id,
      eventType: event.type,
      at: now,
      ok,
      trigger: 'test' as const,
      ...r,
    }
    this.log.logAttempt(attempt)
    return this.log.attempts(1)[0] ?? null
  }

  async attempts(limit: number, before?: number): Promise<Attempt[]> {
    return this.log.attempts(limit, before)
  }

  /** The newest events it holds, and how many it holds in each state. */
  async events(
    limit: number,
  ): Promise<{ events: EndpointEvent[]; counts: Record<EndpointEvent['state'], number> }> {
    return { events: this.log.events(limit), counts: this.log.counts() }
  }

  /** A privacy erasure: the events that name the person go (`WebhookLog.forget`); how many. */
  async forgetPerson(needles: string[]): Promise<{ events: number }> {
    return { events: this.log.forget(needles) }
  }

  /** The endpoint was deleted: everything it held goes. */
  async forget(): Promise<void> {
    await this.ctx.storage.deleteAlarm()
    await this.ctx.storage.deleteAll()
  }

  override async alarm(): Promise<void> {
    // One pass at a time: an alarm retried while a pass runs waits for it.
    this.passing ??= this.pass()
      .catch(async (err: unknown) => {
        // D1 unreadable, say: the queue must not stall once the runtime stops retrying.
        log('error', 'webhook delivery pass failed', { error: String(err) })
        await this.ctx.storage.setAlarm(this.clock() + PASS_RETRY_MS)
      })
      .finally(() => {
        this.passing = null
      })
    await this.passing
  }

  /** Delivers what is due, stream heads in parallel, until nothing is due or the pass is long. */
  private async pass(): Promise<void> {
    const started = this.clock()
    const id = this.ctx.storage.kv.get<string>(ENDPOINT)
    const config = id ? await this.config(id, started) : null
    if (!config) {
      // Deleted (its delete missed this object), or never made: nothing is kept for it.
      await this.forget()
      return
    }
    if (config === 'unreadable') {
      log('error', 'webhook secret unreadable (SIGNING_SECRET changed?): rotate it', {
        endpoint: id,
      })
      return this.holdAll(started)
    }
    if (!config.enabled) return this.holdAll(started)
    for (;;) {
      const now = this.clock()
      const due = this.log.due(now, CONCURRENCY)
      if (due.length === 0) break
      const outcomes = await Promise.all(due.map((d) => this.attempt(config, d)))
      const stopped = outcomes.find((o) => o === 'gone' || o === 'failing')
      if (stopped) return this.disable(config, stopped)
      if (this.clock() - started > PASS_MS) break
    }
    this.log.prune(this.clock())
    // Nothing left to retry: the failures are over.
    if (!this.log.retrying()) this.ctx.storage.kv.delete(FAILING_SINCE)
    const next = this.log.nextDue()
    if (next !== null) await this.ctx.storage.setAlarm(Math.max(next, this.clock()))
  }

  /**
   * One attempt at one event: `ok`, `retry` (tried again later, or given up alone), or why the
   * endpoint must be disabled (`gone`: a 410; `failing`: three days of failures).
   */
  private async attempt(
    config: DeliveryConfig,
    d: Due,
  ): Promise<'ok' | 'retry' | 'gone' | 'failing'> {
    const event = JSON.parse(d.body) as WebhookEvent
    const body = JSON.stringify(forEndpoint(event, config.includeContact))
    const now = this.clock()
    const r = await postSigned(
      config.url,
      signedHeaders(d.id, body, config.secrets, now),
      body,
      ATTEMPT_TIMEOUT_MS,
      this.clock,
    )
    const after = this.clock()
    const v = verdict(r.status)
    const trigger = d.attempts > 0 ? 'retry' : d.trigger
    this.log.logAttempt({
      eventId: d.id,
      eventType: d.type,
      at: now,
      ok: v === 'delivered',
      trigger,
      ...r,
    })
    if (v === 'delivered') {
      this.log.settle(d, { state: 'delivered' }, after)
      this.ctx.storage.kv.delete(FAILING_SINCE)
      return 'ok'
    }
    const since = this.ctx.storage.kv.get<number>(FAILING_SINCE) ?? now
    if (!this.ctx.storage.kv.get(FAILING_SINCE)) this.ctx.storage.kv.put(FAILING_SINCE, since)
    if (v === 'gone') return 'gone'
    if (givesUp(after, since)) return 'failing'
    // One event refused for three days is given up alone while others get through.
    const first = d.firstTryAt ?? now
    if (after - first >= GIVE_UP_AFTER_MS) {
      this.log.settle(d, { state: 'failed' }, after)
      return 'retry'
    }
    const retryAt = nextAttemptAt(d.attempts + 1, after, Math.max(since, first))
    this.log.settle(d, { state: 'pending', retryAt }, after)
    return 'retry'
  }

  /**
   * Disables the endpoint (once every attempt of the pass has settled, so none is left pending
   * behind it), holds what it had pending, and tells the owner the first time.
   */
  private async disable(config: DeliveryConfig, reason: 'gone' | 'failing') {
    const now = this.clock()
    await this.holdAll(now)
    const first = await disableEndpoint(this.env.DB, config.id, reason, now)
    log('warn', 'webhook endpoint disabled', { endpoint: config.id, reason })
    if (first) {
      await notifyDisabled(this.env, createAdapters(this.env), config, reason, now).catch(
        (err: unknown) => log('error', 'disable notice failed', { error: String(err) }),
      )
    }
  }

  /** A disabled endpoint: what is pending is held (failed, for a redelivery), no alarm, no failure clock. */
  private async holdAll(now: number): Promise<void> {
    this.log.failPending(now)
    this.ctx.storage.kv.delete(FAILING_SINCE)
    await this.ctx.storage.deleteAlarm()
  }

  private config(id: string, now: number): Promise<DeliveryConfig | 'unreadable' | null> {
    return deliveryConfig(this.env.DB, getConfig(this.env).SIGNING_SECRET, id, now)
  }

  private remember(endpointId: string): void {
    if (this.ctx.storage.kv.get(ENDPOINT) !== endpointId)
      this.ctx.storage.kv.put(ENDPOINT, endpointId)
  }

  /** Brings the alarm forward to `at` (never later than one set). */
  private async wake(at: number): Promise<void> {
    const set = await this.ctx.storage.getAlarm()
    if (set === null || set > at) await this.ctx.storage.setAlarm(at)
  }
}
