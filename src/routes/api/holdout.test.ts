// The store's holdout over the JSON API (issue 15): the merchant sets the share, the server
// starts a period whenever the share changes, and nothing else of it can be set.
import { describe, expect, it } from 'vitest'
import { api, createStore, errorOf } from '#test/helpers'
import type { Store } from '../../db/stores'

const patch = (store: Store, holdout: unknown) =>
  api(`/stores/${store.id}`, { method: 'PATCH', json: { settings: { holdout } } })
const holdoutOf = async (res: Response) => ((await res.json()) as Store).settings.holdout

describe('settings.holdout', () => {
  it('is off by default: 0 %, no period', async () => {
    const store = await createStore()
    expect(store.settings.holdout).toEqual({ percent: 0, period: null, startedAt: null })
  })

  it('starts a period when the share is set, keeps it while the share stays, and starts another when it changes', async () => {
    const store = await createStore()
    const started = await holdoutOf(await patch(store, { percent: 10 }))
    expect(started).toMatchObject({ percent: 10, period: expect.stringMatching(/^per_\w{22}$/) })
    expect(Date.parse(started.startedAt!)).toBeGreaterThan(Date.now() - 60_000)
    // The same share again, or another setting: the same period.
    expect(await holdoutOf(await patch(store, { percent: 10 }))).toEqual(started)
    const other = await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: { settings: { inactivitySeconds: 120 } },
    })
    expect(await holdoutOf(other)).toEqual(started)
    const changed = await holdoutOf(await patch(store, { percent: 20 }))
    expect(changed.percent).toBe(20)
    expect(changed.period).not.toBe(started.period)
    // Stopping is a change too: no period runs at 0 %.
    const stopped = await holdoutOf(await patch(store, { percent: 0 }))
    expect(stopped).toMatchObject({ percent: 0, period: null })
    const again = await holdoutOf(await patch(store, { percent: 20 }))
    expect(again.period).not.toBe(changed.period)
  })

  it('takes back the settings as they were read: the period sent unchanged is no change', async () => {
    const store = await createStore()
    const started = await holdoutOf(await patch(store, { percent: 10 }))
    const read = (await (await api(`/stores/${store.id}`)).json()) as Store
    const res = await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: { settings: { ...read.settings, inactivitySeconds: 90 } },
    })
    expect(res.status).toBe(200)
    expect(await holdoutOf(res)).toEqual(started)
  })

  it('takes a share at creation too', async () => {
    const store = await createStore({ settings: { holdout: { percent: 50 } } })
    expect(store.settings.holdout).toMatchObject({ percent: 50, period: expect.any(String) })
  })

  it('refuses a share outside 0–50 and anything but the share, changing nothing', async () => {
    const store = await createStore()
    const before = await holdoutOf(await patch(store, { percent: 10 }))
    for (const bad of [
      { percent: 51 },
      { percent: -1 },
      { percent: 12.5 },
      { percent: '10' },
      { percent: 10, period: 'per_mine' },
      { startedAt: '2026-01-01T00:00:00Z' },
      'ten',
      null,
    ]) {
      const res = await patch(store, bad)
      expect(res.status, JSON.stringify(bad)).toBe(400)
      expect((await errorOf(res)).code).toBe('BAD_REQUEST')
    }
    const now = (await (await api(`/stores/${store.id}`)).json()) as Store
    expect(now.settings.holdout).toEqual(before)
  })
})
