/**
 * The events an object owes the store's webhook endpoints (issue 16), kept in its own storage
 * with the transition that made them (one key, written in the same synchronous turn as the
 * state, so both commit or neither) and handed to each endpoint's object after the commit. A
 * crash in between loses nothing: the next wake hands them again, and endpoints ignore ids they
 * hold. Each hand-off carries every event still owed, oldest first, so an endpoint receives a
 * cart's events in order.
 */
import { endpointRoutes } from '../db/webhooks'
import type { Happened } from '../domain/webhook/events'
import { newId } from '../lib/ids'
import { log } from '../lib/log'
import { backoff } from './outbox'
import { webhookStub } from './stubs'
import type { Queued } from './webhook-log'

const KEY = 'hooks'
/**
 * When owed events wake the object if no hand-off takes them first (one cut off by a crash, or
 * added while another ran): a backstop, not the usual path (the commit's own flush).
 */
export const HOOK_BACKSTOP_MS = 30_000

export class HookOutbox {
  /** When a failed hand-off is tried again (this instance's own); null: at the next wake. */
  private retryAt: number | null = null
  private failures = 0

  constructor(private readonly kv: SyncKvStorage) {}

  /** Records the events of a transition; call it in the same turn as the state's write. */
  add(storeId: string, happened: readonly Happened[]): void {
    if (happened.length === 0) return
    const made: Queued[] = happened.map((h) => ({
      stream: h.stream,
      event: {
        id: newId('evt'),
        type: h.type,
        timestamp: new Date(h.at).toISOString(),
        storeId,
        data: h.data,
      },
    }))
    this.kv.put(KEY, [...this.owed(), ...made])
  }

  /** The events not yet handed to the endpoints, oldest first. */
  owed(): Queued[] {
    return this.kv.get<Queued[]>(KEY) ?? []
  }

  /** When the object must wake to hand events over; null when none is owed. */
  dueAt(now: number): number | null {
    if (this.owed().length === 0) return null
    return Math.max(now, this.retryAt ?? now + HOOK_BACKSTOP_MS)
  }

  /** A privacy erasure of the object: nothing owed is handed over after it. */
  clear(): void {
    this.kv.delete(KEY)
  }

  /** Hands what is owed to the store's endpoints; a failure waits (back-off) for the next wake. */
  async flush(env: Env, now: () => number): Promise<void> {
    const owed = this.owed()
    if (owed.length === 0) return
    try {
      await handOut(env, owed)
      const handed = new Set(owed.map((q) => q.event.id))
      const left = this.owed().filter((q) => !handed.has(q.event.id))
      if (left.length > 0) this.kv.put(KEY, left)
      else this.kv.delete(KEY)
      this.failures = 0
      this.retryAt = null
    } catch (err) {
      this.failures += 1
      this.retryAt = now() + backoff(this.failures)
      log('warn', 'webhook hand-off failed; will retry', { error: String(err) })
    }
  }
}

/** Gives each endpoint of the events' store the events it subscribes to, in order. */
async function handOut(env: Env, owed: readonly Queued[]): Promise<void> {
  const storeId = owed[0]?.event.storeId
  if (!storeId) return
  const routes = await endpointRoutes(env.DB, storeId)
  await Promise.all(
    routes.map(async (r) => {
      const mine = owed.filter((q) => r.events.includes(q.event.type))
      if (mine.length > 0) await webhookStub(env.WEBHOOK, r.id).accept(r.id, mine, !r.enabled)
    }),
  )
}
