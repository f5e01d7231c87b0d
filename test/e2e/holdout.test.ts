// A store's holdout end to end over real HTTP against `wrangler dev` started as `npm start`
// starts it (secrets from .dev.vars): the share set over the API, carts abandoned by their own
// alarms, each cart's arm the one its bucket under the deployment's SIGNING_SECRET gives, the
// held-out ones sent nothing, and the period's figures in the stats (issue 15).
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { armOf, bucketOf } from '../../src/domain/experiment/assign'
import { startWorker, until as until_, type Worker } from '../worker'

const SHOP = 'https://shop.example'
const SECRET = `e2e-signing-secret-${randomBytes(16).toString('hex')}`
let worker: Worker

beforeAll(async () => {
  worker = await startWorker({ SIGNING_SECRET: SECRET })
})

afterAll(async () => {
  await worker?.stop()
})

const until = <T>(what: string, probe: () => Promise<T | undefined>) =>
  until_(what, probe, 30_000, worker.output().slice(-3000))

type Detail = {
  status: string
  experiment: { arm: string; period: string } | null
  sequence: unknown[]
  journal: { type: string; arm?: string }[]
}
type Incremental = { period: string; holdout: { carts: number }; messaged: { carts: number } }

describe('a holdout over real HTTP', () => {
  it('holds out the carts its buckets say, sends them nothing, and counts both groups', async () => {
    const created = await worker.api<{ id: string; publishableKey: string }>('/stores', {
      method: 'POST',
      body: JSON.stringify({
        name: 'Holdout Shop',
        url: `${SHOP}/`,
        currency: 'USD',
        allowedOrigins: [SHOP],
        settings: { inactivitySeconds: 1, holdout: { percent: 50 } },
      }),
    })
    expect(created.status).toBe(201)
    const store = created.body
    const period = (created.body as unknown as { settings: { holdout: { period: string } } })
      .settings.holdout.period
    expect(period).toMatch(/^per_/)
    const carts = Array.from({ length: 12 }, (_, i) => ({
      id: `holdout_e2e_${i}_${randomBytes(6).toString('hex')}`,
      email: `holdout-${i}@example.com`,
    }))
    for (const c of carts) {
      const res = await fetch(`${worker.url}/v1/events`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain;charset=UTF-8', Origin: SHOP },
        body: JSON.stringify({
          store: store.publishableKey,
          cart: c.id,
          type: 'contact',
          items: [{ id: 'tee', name: 'Tee', price: 2400, quantity: 1 }],
          contact: { email: c.email },
        }),
      })
      expect(res.status).toBe(202)
    }
    const arms: string[] = []
    for (const c of carts) {
      const detail = await until(`cart ${c.id} abandoned with an arm`, async () => {
        const d = await worker.api<Detail>(`/carts/${store.id}/${c.id}`)
        return d.body.status === 'abandoned' && d.body.experiment ? d.body : undefined
      })
      const bucket = await bucketOf(SECRET, 'holdout', period, store.id, `email:${c.email}`)
      const arm = armOf(bucket, 50)
      expect(detail.experiment).toEqual({ arm, period, assignedAt: expect.any(String) })
      expect(detail.journal.find((j) => j.type === 'experiment.assigned')?.arm).toBe(arm)
      if (arm === 'holdout') expect(detail.sequence).toEqual([])
      else expect(detail.sequence.length).toBeGreaterThan(0)
      arms.push(arm)
    }
    const held = arms.filter((a) => a === 'holdout').length
    const stats = await until('both groups counted in the stats', async () => {
      const s = await worker.api<{ incremental: Incremental | null }>(`/stats?store=${store.id}`)
      const inc = s.body.incremental
      return inc && inc.holdout.carts + inc.messaged.carts === carts.length ? inc : undefined
    })
    expect(stats).toMatchObject({
      period,
      holdout: { carts: held },
      messaged: { carts: carts.length - held },
    })
  }, 90_000)
})
