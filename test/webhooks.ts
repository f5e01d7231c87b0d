// Helpers of the outbound webhook tests (issue 16), in workerd: a receiver on loopback
// (test/fakes/webhook-receiver.ts) and the endpoint's object.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { inject } from 'vitest'
import type { Store } from '../src/db/stores'
import { webhookStub } from '../src/objects/stubs'
import type { WebhookEndpoint } from '../src/objects/webhook-endpoint'
import type { Answer, Got } from './fakes/webhook-receiver'
import { api } from './helpers'

let n = 0

/** A receiver of its own, told the secret it verifies with and what to answer. */
export function receiver(name = `r${++n}-${crypto.randomUUID().slice(0, 8)}`) {
  const base = inject('webhookReceiverUrl')
  return {
    url: `${base}/hook/${name}`,
    async control(c: { secret?: string; script?: Answer[]; reset?: boolean }) {
      const res = await fetch(`${base}/control/${name}`, {
        method: 'POST',
        body: JSON.stringify(c),
      })
      if (res.status !== 204) throw new Error(`control: ${res.status}`)
    },
    async got(): Promise<Got[]> {
      return (await fetch(`${base}/got/${name}`)).json()
    },
  }
}

export type Created = { id: string; secret: string; url: string; events: string[] }

/** An endpoint of `store` for `events`, pointed at a fresh receiver that verifies its secret. */
export async function endpointFor(
  store: Store,
  events: string[],
  extra: Record<string, unknown> = {},
) {
  const r = receiver()
  const res = await api(`/stores/${store.id}/webhooks`, {
    method: 'POST',
    json: { url: r.url, events, ...extra },
  })
  if (res.status !== 201)
    throw new Error(`endpoint create failed: ${res.status} ${await res.text()}`)
  const created = (await res.json()) as Created
  await r.control({ secret: created.secret })
  return { ...created, receiver: r, stub: webhookStub(env.WEBHOOK, created.id) }
}

/** Steps the endpoint object's clock to `at` (epoch ms). */
export function setClock(stub: DurableObjectStub<WebhookEndpoint>, at: number) {
  return runInDurableObject(stub, (o: WebhookEndpoint) => {
    o.clock = () => at
  })
}

type Inside = { passing: Promise<void> | null; log: { due(now: number, n: number): unknown[] } }

/**
 * Delivers what is due now: runs the endpoint's alarm (the runtime may be running it already)
 * until no pass runs and nothing is due at the object's clock. Whether an alarm was run.
 */
export async function deliver(stub: DurableObjectStub<WebhookEndpoint>): Promise<boolean> {
  let ran = false
  for (let i = 0; i < 200; i++) {
    ran = (await runDurableObjectAlarm(stub)) || ran
    const busy = await runInDurableObject(stub, (o: WebhookEndpoint) => {
      const inside = o as unknown as Inside
      return inside.passing !== null || inside.log.due(o.clock(), 1).length > 0
    })
    if (!busy) return ran
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error('the endpoint never settled')
}

/** Parsed bodies of what arrived. */
export const bodies = (got: Got[]) =>
  got.map((g) => JSON.parse(g.body) as { id: string; type: string; data: Record<string, unknown> })
