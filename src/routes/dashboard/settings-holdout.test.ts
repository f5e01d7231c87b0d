// The settings page's Holdout section (issue 15): the share, saved as over the API.
import { describe, expect, it } from 'vitest'
import * as session from '#test/dashboard-session'
import { api, createStore } from '#test/helpers'
import type { Store } from '../../db/stores'

const page = (storeId: string) => session.openPage(`/settings?store=${storeId}`)
const holdoutOf = async (id: string) =>
  (await (await api(`/stores/${id}`)).json<Store>()).settings.holdout

describe('dashboard settings: holdout', () => {
  it('suggests 10 %, starts a period when saved, keeps it when saved unchanged, and stops at 0', async () => {
    const store = await createStore()
    const { html, cookies, csrf } = await page(store.id)
    expect(html).toContain('10 % is a good start')
    expect(html).toMatch(/name="holdout\.percent"[^>]*value="0"/)
    const save = (percent: string) =>
      session.post(`/settings/${store.id}`, cookies, {
        _csrf: csrf,
        section: 'holdout',
        'holdout.percent': percent,
      })
    expect((await save('10')).status).toBe(303)
    const started = await holdoutOf(store.id)
    expect(started).toMatchObject({ percent: 10, period: expect.stringMatching(/^per_/) })
    expect((await page(store.id)).html).toContain(`period ${started.period}`)
    expect((await save('10')).status).toBe(303)
    expect(await holdoutOf(store.id)).toEqual(started)
    expect((await save('0')).status).toBe(303)
    expect(await holdoutOf(store.id)).toMatchObject({ percent: 0, period: null })
  })

  it('refuses a share outside 0–50, or none at all, on its field, saving nothing', async () => {
    const store = await createStore({ settings: { holdout: { percent: 10 } } })
    const { cookies, csrf } = await page(store.id)
    const message = 'Enter 0 to stop the holdout, or a whole percent from 1 to 50.'
    // The last: cleared by accident, which must not stop it (that ends the period for good).
    for (const percent of ['51', '-5', '12.5', 'ten', '']) {
      const res = await session.post(`/settings/${store.id}`, cookies, {
        _csrf: csrf,
        section: 'holdout',
        'holdout.percent': percent,
      })
      expect(res.status, percent).toBe(400)
      const html = await res.text()
      expect(html).toContain('Nothing was saved')
      expect(html).toContain(message)
    }
    expect(await holdoutOf(store.id)).toEqual(store.settings.holdout)
  })

  it('keeps the period when another section is saved, even one started after the page was read', async () => {
    const store = await createStore()
    const { cookies, csrf } = await page(store.id)
    // Started over the API after the settings page was opened.
    await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: { settings: { holdout: { percent: 10 } } },
    })
    const started = await holdoutOf(store.id)
    const quiet = await session.post(`/settings/${store.id}`, cookies, {
      _csrf: csrf,
      section: 'quiet',
      'quietHours.startHour': '9',
      'quietHours.endHour': '20',
    })
    expect(quiet.status).toBe(303)
    expect(await holdoutOf(store.id)).toEqual(started)
  })
})
