// A store's holdout through a real cart object (issue 15): the alarm that abandons a cart works
// out its bucket (HMAC under the deployment's signing secret), the machine decides its arm, a
// held-out cart starts no sequence, and its arm reaches the API and D1.
import { describe, expect, it } from 'vitest'
import { abandon, contactCart } from '#test/carts'
import { api, createStore, waitForRow } from '#test/helpers'
import { armOf, bucketOf } from '../domain/experiment/assign'

const SECRET = 'test-signing-secret-0123456789abcdef'

describe('a holdout, cart by cart', () => {
  it('holds out exactly the carts whose bucket falls under the share, and messages the rest', async () => {
    const store = await createStore({
      settings: { inactivitySeconds: 60, holdout: { percent: 50 } },
    })
    const period = store.settings.holdout.period!
    const arms: string[] = []
    const ids: string[] = []
    for (let i = 0; i < 20; i++) {
      const email = `holdout-${i}@example.com`
      const { id, stub } = await contactCart(store, { email })
      await abandon(stub)
      const { state, journal } = (await stub.snapshot())!
      const expected = armOf(
        await bucketOf(SECRET, 'holdout', period, store.id, `email:${email}`),
        50,
      )
      expect(state.experiment).toMatchObject({ arm: expected, period })
      const assigned = journal.find((j) => j.type === 'experiment.assigned')
      expect(assigned).toMatchObject({ arm: expected, period, holdoutPercent: 50 })
      if (expected === 'holdout') expect(state.runs).toEqual([])
      else expect(state.runs.length).toBeGreaterThan(0)
      const detail = (await (await api(`/carts/${store.id}/${id}`)).json()) as {
        experiment: { arm: string; period: string }
      }
      expect(detail.experiment).toMatchObject({ arm: expected, period })
      arms.push(expected)
      ids.push(id)
    }
    // The reporting side holds the same arms (the reports went through the Queue meanwhile).
    for (const [i, id] of ids.entries()) {
      await waitForRow(
        'SELECT 1 FROM carts WHERE cart_id = ? AND experiment_arm = ? AND experiment_period = ?',
        id,
        arms[i],
        period,
      )
    }
    // Both arms were exercised (twenty carts at 50 %: all in one arm once in half a million runs).
    expect(new Set(arms)).toEqual(new Set(['holdout', 'messaged']))
  }, 60_000)

  it('assigns nothing while the store runs no holdout', async () => {
    const store = await createStore()
    const { stub } = await contactCart(store, { email: 'no-holdout@example.com' })
    await abandon(stub)
    const { state, journal } = (await stub.snapshot())!
    expect(state.experiment).toBeNull()
    expect(journal.some((j) => j.type === 'experiment.assigned')).toBe(false)
    expect(state.runs.length).toBeGreaterThan(0)
  })
})
