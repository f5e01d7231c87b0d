// A step experiment through real cart objects (issue 15): the alarm that brings a step with
// variants due works out the cart's bucket (HMAC under the deployment's signing secret), the
// cart is sent that variant, the message row says which, and the rollup and the stats count it.
import { describe, expect, it } from 'vitest'
import { abandon, beacon, contactCart } from '#test/carts'
import { api, createStore, waitForRow } from '#test/helpers'
import { bucketOf } from '../domain/experiment/assign'
import type { Step } from '../domain/sequence/steps'
import { pickVariant } from '../domain/sequence/variants'

const SECRET = 'test-signing-secret-0123456789abcdef'
const tpl = (subject: string) => ({ subject, heading: 'h', body: 'b', buttonLabel: 'go' })

async function variantStore() {
  return createStore({
    settings: {
      inactivitySeconds: 60,
      sender: { fromEmail: 'shop@acme.example', postalAddress: '1 Market St, San Francisco, CA' },
      sequence: [
        {
          id: 'email-now',
          channel: 'email',
          delaySeconds: 0,
          windowSeconds: 3600,
          template: tpl('Subject A'),
          variants: [{ id: 'b', template: tpl('Subject B') }],
        },
      ],
    },
  })
}

type Detail = { messages: { variant?: string; experiment?: string; subject?: string }[] }

describe('a step experiment, cart by cart', () => {
  it('sends each cart the variant its bucket gives, and says so in its message', async () => {
    const store = await variantStore()
    const step = store.settings.sequence[0] as Step
    const experiment = step.experiment?.id
    expect(experiment).toMatch(/^exp_/)
    const seen: string[] = []
    for (let i = 0; i < 12; i++) {
      const email = `variant-${i}@example.com`
      const { id, stub } = await contactCart(store, { email })
      await abandon(stub)
      const bucket = await bucketOf(SECRET, 'variant', experiment!, store.id, `email:${email}`)
      const expected = pickVariant(step, bucket)
      const { state, journal } = (await stub.snapshot())!
      expect(state.runs[0]).toMatchObject({ status: 'sent', variant: expected, experiment })
      expect(journal.find((j) => j.type === 'experiment.variant')).toMatchObject({
        step: 'email-now',
        variant: expected,
        experiment,
      })
      const detail = (await (await api(`/carts/${store.id}/${id}`)).json()) as Detail
      expect(detail.messages).toEqual([
        expect.objectContaining({
          variant: expected,
          experiment,
          subject: `Subject ${expected.toUpperCase()}`,
        }),
      ])
      seen.push(expected)
    }
    // Twelve people at 50 %: all in one variant once in two thousand runs.
    expect(new Set(seen)).toEqual(new Set(['a', 'b']))
  }, 60_000)

  it('counts sends and recoveries per variant, credits the variant sent, and gives them in the stats', async () => {
    const store = await variantStore()
    const experiment = (store.settings.sequence[0] as Step).experiment!.id
    const carts: { id: string; variant: string }[] = []
    for (let i = 0; i < 6; i++) {
      const { id, stub } = await contactCart(store, { email: `outcome-${i}@example.com` })
      await abandon(stub)
      carts.push({ id, variant: (await stub.snapshot())!.state.runs[0]!.variant! })
    }
    const won = carts[0]!
    await beacon({
      store: store.publishableKey,
      cart: won.id,
      type: 'order',
      order: { id: 'o-variant', total: 6400 },
    })
    await waitForRow(
      'SELECT 1 FROM carts WHERE cart_id = ? AND recovered_at IS NOT NULL AND recovered_variant = ?',
      won.id,
      won.variant,
    )
    for (const c of carts) {
      await waitForRow('SELECT 1 FROM messages WHERE cart_id = ? AND variant = ?', c.id, c.variant)
    }
    const res = await api(`/stats?store=${store.id}`)
    const { variants } = (await res.json()) as {
      variants: {
        id: string
        stepId: string
        figures: {
          variant: string
          assigned: number
          sends: number
          recovered: number
          revenue: number
        }[]
      }[]
    }
    expect(variants).toHaveLength(1)
    expect(variants[0]).toMatchObject({
      id: experiment,
      stepId: 'email-now',
      kind: 'step',
      running: true,
    })
    const count = (v: string) => carts.filter((c) => c.variant === v).length
    // Every cart given a variant counts for it; each was sent it here.
    expect(variants[0]!.figures.map((f) => [f.variant, f.assigned, f.sends])).toEqual([
      ['a', count('a'), count('a')],
      ['b', count('b'), count('b')],
    ])
    const credited = variants[0]!.figures.find((f) => f.variant === won.variant)!
    expect(credited).toMatchObject({ recovered: 1, revenue: 6400 })
    const other = variants[0]!.figures.find((f) => f.variant !== won.variant)!
    expect(other).toMatchObject({ recovered: 0, revenue: 0 })
    // Every assignment with its outcome, for the merchant's own analysis.
    const csv = await (await api(`/experiments/${store.id}/${experiment}/export.csv`)).text()
    const [head, ...rows] = csv.trimEnd().split('\r\n')
    expect(head).toBe(
      '"experiment","variant","cart_id","assigned_at","message_id","channel","message_status","sent_at","delivered_at","clicked_at","cart_status","recovered_at","recovered_revenue","revenue_currency","credited_to_this_variant"',
    )
    expect(rows).toHaveLength(6)
    for (const c of carts) {
      const row = rows.find((r) => r.includes(`"${c.id}"`))
      expect(row?.startsWith(`"${experiment}","${c.variant}","${c.id}","`)).toBe(true)
      expect(row).toContain('","msg_')
      expect(row?.includes('"recovered"')).toBe(c === won)
      expect(row?.endsWith(c === won ? '"64.00","USD","yes"' : '"","","no"')).toBe(true)
    }
  }, 60_000)
})
