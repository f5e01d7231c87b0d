// The experiments API (issue 15): a store's holdout periods and step experiments with their
// figures, one of them, "make this the only variant", and what a patch may not set.
import { describe, expect, it } from 'vitest'
import { api, createStore, errorOf } from '#test/helpers'
import type { Step } from '../../domain/sequence/steps'

const tpl = (subject: string) => ({ subject, heading: 'h', body: 'b', buttonLabel: 'go' })
const withVariants = (extra: Record<string, unknown> = {}) => ({
  id: 'email-1h',
  channel: 'email',
  delaySeconds: 3600,
  windowSeconds: 43_200,
  template: tpl('A'),
  variants: [{ id: 'b', template: tpl('B'), delaySeconds: 7200 }],
  ...extra,
})

type Listed = {
  id: string
  kind: string
  running: boolean
  endedAt: string | null
  kept?: string | null
  percent?: number
  variants?: string[]
  figures: unknown
}

const listOf = async (storeId: string) =>
  (await (await api(`/experiments?store=${storeId}`)).json<{ experiments: Listed[] }>()).experiments

describe('experiments API', () => {
  it('lists holdout periods and step experiments, newest first, each with its figures', async () => {
    const store = await createStore({
      settings: { holdout: { percent: 10 }, sequence: [withVariants()] },
    })
    const period = store.settings.holdout.period
    const experiment = (store.settings.sequence[0] as Step).experiment?.id
    // The share changed: the period ends, another starts.
    await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: { settings: { holdout: { percent: 20 } } },
    })
    const list = await listOf(store.id)
    // Newest first: the new period, then the store's first two (started together).
    expect(list.map((x) => [x.kind, x.running])).toEqual([
      ['holdout', true],
      ['holdout', false],
      ['step', true],
    ])
    const ended = list.find((x) => x.id === period)
    expect(ended).toMatchObject({ kind: 'holdout', percent: 10, running: false })
    expect(ended?.endedAt).not.toBeNull()
    expect(ended?.figures).toMatchObject({ period, holdout: { carts: 0 }, messaged: { carts: 0 } })
    const step = list.find((x) => x.id === experiment)
    expect(step).toMatchObject({ kind: 'step', variants: ['a', 'b'], running: true })
    expect(step?.figures).toEqual([
      expect.objectContaining({ variant: 'a', sends: 0, vsFirst: null }),
      expect.objectContaining({ variant: 'b', sends: 0 }),
    ])
    const one = await api(`/experiments/${store.id}/${experiment}`)
    expect(await one.json()).toEqual(step)
    const missing = await api(`/experiments/${store.id}/exp_nope`)
    expect(missing.status).toBe(404)
    expect((await errorOf(missing)).code).toBe('NOT_FOUND')
    const csv = await api(`/experiments/${store.id}/${period}/export.csv`)
    expect(await csv.text()).toBe(
      '"period","arm","cart_id","abandoned_at","reach","status","recovered_at","recovered_revenue","revenue_currency","credited_channel","credited_step"\r\n',
    )
  })

  it('needs a store to list experiments', async () => {
    const res = await api('/experiments')
    expect(res.status).toBe(400)
  })

  it('gives the running step experiments in the stats, or the one asked for', async () => {
    const store = await createStore({ settings: { sequence: [withVariants()] } })
    const experiment = (store.settings.sequence[0] as Step).experiment?.id
    const stats = await (await api(`/stats?store=${store.id}`)).json<{ variants: Listed[] }>()
    expect(stats.variants.map((x) => x.id)).toEqual([experiment])
    const asked = await api(`/stats?store=${store.id}&experiment=${experiment}`)
    expect((await asked.json<{ variants: Listed[] }>()).variants.map((x) => x.id)).toEqual([
      experiment,
    ])
    expect((await api(`/stats?store=${store.id}&experiment=exp_other`)).status).toBe(404)
    expect((await api(`/stats?experiment=${experiment}`)).status).toBe(400)
    expect((await api(`/stats?store=${store.id}&experiment=bogus`)).status).toBe(400)
    const none = await createStore()
    expect(
      (await (await api(`/stats?store=${none.id}`)).json<{ variants: unknown[] }>()).variants,
    ).toEqual([])
  })

  it('makes one variant the only one: its content, its delay, the experiment ended as kept', async () => {
    const store = await createStore({ settings: { sequence: [withVariants()] } })
    const experiment = (store.settings.sequence[0] as Step).experiment?.id
    const keep = (variant: string, step = 'email-1h') =>
      api(`/stores/${store.id}/sequence/${step}/keep-variant`, {
        method: 'POST',
        json: { variant },
      })
    const wrong = await keep('z')
    expect(wrong.status).toBe(400)
    expect((await errorOf(wrong)).message).toBe('The step has no variant "z" (it has a, b).')
    expect((await keep('b', 'nope')).status).toBe(404)
    const res = await keep('b')
    expect(res.status).toBe(200)
    const { sequence } = await res.json<{ sequence: Step[] }>()
    expect(sequence).toEqual([
      {
        id: 'email-1h',
        channel: 'email',
        delaySeconds: 7200,
        windowSeconds: 43_200,
        template: tpl('B'),
      },
    ])
    expect(await listOf(store.id)).toEqual([
      expect.objectContaining({ id: experiment, running: false, kept: 'b' }),
    ])
    // Nothing left to choose from.
    const again = await keep('b')
    expect(again.status).toBe(409)
    expect((await errorOf(again)).code).toBe('CONFLICT')
  })

  it("refuses a patch or a sequence that sets a step's experiment; takes one sent back as read", async () => {
    const store = await createStore({ settings: { sequence: [withVariants()] } })
    const read = store.settings.sequence
    const forged = [
      withVariants({ experiment: { id: 'exp_mine', startedAt: '2020-01-01T00:00:00.000Z' } }),
    ]
    for (const [path, method, json] of [
      [`/stores/${store.id}`, 'PATCH', { settings: { sequence: forged } }],
      [`/stores/${store.id}/sequence`, 'PUT', { sequence: forged }],
    ] as const) {
      const res = await api(path, { method, json })
      expect(res.status).toBe(400)
      expect((await errorOf(res)).message).toMatch(/experiment is set by the server/)
    }
    const back = await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: { settings: { sequence: read } },
    })
    expect(back.status).toBe(200)
    const after = (await back.json<{ settings: { sequence: Step[] } }>()).settings.sequence
    expect(after[0]?.experiment).toEqual(read[0]?.experiment)
    expect(await listOf(store.id)).toHaveLength(1)
  })

  it('refuses a variant text too long for two segments, naming the variant', async () => {
    const store = await createStore()
    const sms = {
      id: 'sms-3h',
      channel: 'sms',
      delaySeconds: 3600,
      windowSeconds: 43_200,
      template: { body: 'Short {{restoreUrl}}' },
      variants: [{ id: 'b', template: { body: `${'x'.repeat(400)} {{restoreUrl}}` } }],
    }
    const res = await api(`/stores/${store.id}/sequence`, {
      method: 'PUT',
      json: { sequence: [sms] },
    })
    expect(res.status).toBe(400)
    expect((await errorOf(res)).message).toMatch(/step sms-3h: variant b: the text can reach/)
  })

  it('previews a variant of a saved step, and refuses one it does not have', async () => {
    const store = await createStore({
      settings: {
        sender: { fromEmail: 'shop@acme.example', postalAddress: '1 Market St, San Francisco, CA' },
        sequence: [withVariants()],
      },
    })
    const preview = (variant?: string) =>
      api(`/stores/${store.id}/preview`, {
        method: 'POST',
        json: { stepId: 'email-1h', ...(variant ? { variant } : {}) },
      })
    expect((await (await preview('b')).json<{ subject: string }>()).subject).toBe('B')
    expect((await (await preview()).json<{ subject: string }>()).subject).toBe('A')
    expect((await preview('z')).status).toBe(404)
  })
})
