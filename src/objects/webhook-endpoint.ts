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
    if (queued > 0) await this.wake(this.clock())
    return { queued }
  }

  /** Sends a `webhook.test` event now and logs the attempt; it is not kept for redelivery. */
  async sendTest(endpointId: string): Promise<Attempt | null> {
    const now = this.clock()
    const config = await this.config(endpointId, now)
    if (!config) return null
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
    this.passing ??= this.pass().finally(() => {
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
      // Deleted (or never made): nothing to deliver to.
      this.log.failPending(started)
      return
    }
    if (!config.enabled) {
      this.log.failPending(started)
      return
    }
    for (;;) {
      const now = this.clock()
      const due = this.log.due(now, CONCURRENCY)
      if (due.length === 0) break
      const outcomes = await Promise.all(due.map((d) => this.attempt(config, d)))
      if (outcomes.some((o) => o === 'stop')) return
      if (this.clock() - started > PASS_MS) break
    }
    this.log.prune(this.clock())
    const next = this.log.nextDue()
    if (next !== null) await this.ctx.storage.setAlarm(Math.max(next, this.clock()))
  }

  /** One attempt at one event; `stop` when the endpoint has just been disabled. */
  private async attempt(config: DeliveryConfig, d: Due): Promise<'ok' | 'retry' | 'stop'> {
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
    if (v === 'gone') return this.disable(config, 'gone', after, d)
    if (givesUp(after, since)) return this.disable(config, 'failing', after, d)
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

  private async disable(config: DeliveryConfig, reason: 'gone' | 'failing', now: number, d: Due) {
    this.log.settle(d, { state: 'failed' }, now)
    this.log.failPending(now)
    this.ctx.storage.kv.delete(FAILING_SINCE)
    await this.ctx.storage.deleteAlarm()
    const first = await disableEndpoint(this.env.DB, config.id, reason, now)
    log('warn', 'webhook endpoint disabled', { endpoint: config.id, reason })
    if (first) {
      await notifyDisabled(this.env, createAdapters(this.env), config, reason, now).catch(
        (err: unknown) => log('error', 'disable notice failed', { error: String(err) }),
      )
    }
    return 'stop' as const
  }

  private config(id: string, now: number): Promise<DeliveryConfig | null> {
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
