// The sequence editor's step variants (issue 15): add one, preview each, save to start an
// experiment, save again unchanged to keep it, and "make this the only variant" to end it.
import { describe, expect, it } from 'vitest'
import * as session from '#test/dashboard-session'
import { api, createStore } from '#test/helpers'
import { DEFAULT_SEQUENCE, type Step } from '../../domain/sequence/steps'
import { formOfStep } from './sequence-form'

type Listed = { id: string; kind: string; stepId?: string; running: boolean; kept?: string | null }

/** The editor of a store; `send` posts the sequence as `steps` gives it, with `change`. */
async function editor(storeId: string) {
  const page = await session.openPage(`/sequences?store=${storeId}`)
  const send = (steps: Step[], change: Record<string, string>, action = '') =>
    session.post(`/sequences/${storeId}${action}`, page.cookies, fields(page.csrf, steps, change))
  return { ...page, send }
}

/** The steps as the editor posts them (variants under `s.<i>.v.<j>.…`), with `change`. */
function fields(csrf: string, steps: Step[], change: Record<string, string>) {
  const body = new URLSearchParams({ _csrf: csrf })
  steps.forEach((s, i) => {
    const { variants, remove: _, ...own } = formOfStep(s, 'USD')
    for (const [k, v] of Object.entries(own)) body.set(`s.${i}.${k}`, String(v))
    variants.forEach((v, j) => {
      for (const [k, x] of Object.entries(v))
        if (k !== 'remove') body.set(`s.${i}.v.${j}.${k}`, String(x))
    })
  })
  for (const [k, v] of Object.entries(change)) body.set(k, v)
  return body
}

const sequenceOf = async (storeId: string) =>
  (await (await api(`/stores/${storeId}/sequence`)).json<{ sequence: Step[] }>()).sequence
const experimentsOf = async (storeId: string) =>
  (await (await api(`/experiments?store=${storeId}`)).json<{ experiments: Listed[] }>()).experiments

/** Variant B of the first step, as the editor's "Add a variant" then typing would post it. */
const variantB = {
  's.0.v.0.id': 'b',
  's.0.v.0.channel': 'email',
  's.0.v.0.delay': '',
  's.0.v.0.delayUnit': 'hours',
  's.0.v.0.subject': 'Ten percent off your cart',
  's.0.v.0.preheader': '',
  's.0.v.0.heading': 'A little something',
  's.0.v.0.body': 'Your items at {{storeName}} are saved.',
  's.0.v.0.buttonLabel': 'Claim it',
  's.0.v.0.incentiveKind': 'percent',
  's.0.v.0.incentiveAmount': '10',
  's.0.v.0.incentiveValid': '3',
  's.0.v.0.incentiveValidUnit': 'days',
}

describe('dashboard sequence editor: variants', () => {
  it("adds a variant as a copy of the step's content, to be changed, and saves nothing yet", async () => {
    const store = await createStore()
    const { send } = await editor(store.id)
    const res = await send(DEFAULT_SEQUENCE, { addVariant: '0' })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('Variant B added to step email-1h')
    expect(html).toContain('name="s.0.v.0.id" value="b"')
    expect(html).toContain('name="s.0.v.0.subject" value="You left something in your cart"')
    expect(await sequenceOf(store.id)).toEqual(DEFAULT_SEQUENCE)
  })

  it('saves a variant, which starts an experiment that an unchanged save keeps', async () => {
    const store = await createStore()
    const { send } = await editor(store.id)
    expect((await send(DEFAULT_SEQUENCE, variantB)).status).toBe(303)
    const [first] = await sequenceOf(store.id)
    expect(first?.variants).toEqual([
      {
        id: 'b',
        template: {
          subject: 'Ten percent off your cart',
          heading: 'A little something',
          body: 'Your items at {{storeName}} are saved.',
          buttonLabel: 'Claim it',
        },
        incentive: { kind: 'percent', amount: 10, validForSeconds: 3 * 86_400 },
      },
    ])
    const experiment = first?.experiment?.id
    expect(experiment).toMatch(/^exp_/)
    expect(await experimentsOf(store.id)).toEqual([
      expect.objectContaining({ id: experiment, kind: 'step', stepId: 'email-1h', running: true }),
    ])
    // The page saved again as it shows the sequence: the same experiment, nothing ended.
    const saved = await sequenceOf(store.id)
    const again = await editor(store.id)
    expect((await again.send(saved, {})).status).toBe(303)
    expect((await sequenceOf(store.id))[0]?.experiment?.id).toBe(experiment)
    expect(await experimentsOf(store.id)).toHaveLength(1)
    // A change to what the variant says starts another.
    expect((await again.send(saved, { 's.0.v.0.subject': 'Free shipping today' })).status).toBe(303)
    const changed = (await sequenceOf(store.id))[0]?.experiment?.id
    expect(changed).not.toBe(experiment)
    const listed = await experimentsOf(store.id)
    expect(listed.map((x) => [x.id, x.running])).toEqual([
      [changed, true],
      [experiment, false],
    ])
  })

  it("pins a variant's problem to its own field and saves nothing", async () => {
    const store = await createStore()
    const { send } = await editor(store.id)
    const res = await send(DEFAULT_SEQUENCE, { ...variantB, 's.0.v.0.subject': 'Hi {{nickname}}' })
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toMatch(/id="s-0-v-0-subject"[^>]*aria-invalid="true"/)
    expect(html).toContain('Unknown variable: {{nickname}}')
    expect(await sequenceOf(store.id)).toEqual(DEFAULT_SEQUENCE)
  })

  it('previews each variant on its own, as typed and as saved', async () => {
    const store = await createStore()
    const { send, cookies } = await editor(store.id)
    const typed = await send(DEFAULT_SEQUENCE, { ...variantB, preview: '0.0' }, '/preview')
    expect(typed.status).toBe(200)
    const html = await typed.text()
    expect(html).toContain('Ten percent off your cart')
    expect(html).not.toContain('You left something in your cart')
    await send(DEFAULT_SEQUENCE, variantB)
    const saved = await session.get(`/sequences/${store.id}/preview/email-1h?variant=b`, cookies)
    expect(await saved.text()).toContain('Ten percent off your cart')
    const own = await session.get(`/sequences/${store.id}/preview/email-1h?variant=a`, cookies)
    expect(await own.text()).toContain('You left something in your cart')
    const none = await session.get(`/sequences/${store.id}/preview/email-1h?variant=z`, cookies)
    expect(none.status).toBe(404)
  })

  it('"make this the only variant" ends the experiment; the history keeps it, with the variant kept', async () => {
    const store = await createStore()
    const { send } = await editor(store.id)
    await send(DEFAULT_SEQUENCE, variantB)
    const experiment = (await sequenceOf(store.id))[0]?.experiment?.id
    const page = await editor(store.id)
    expect(
      await (await session.get(`/sequences?store=${store.id}`, page.cookies)).text(),
    ).toContain('Make this the only variant')
    const res = await page.send(await sequenceOf(store.id), { keep: 'email-1h:b' }, '/keep')
    expect(res.status).toBe(303)
    const [first] = await sequenceOf(store.id)
    expect(first).not.toHaveProperty('variants')
    expect(first).not.toHaveProperty('experiment')
    expect(first?.template).toMatchObject({ subject: 'Ten percent off your cart' })
    expect(first?.incentive).toEqual({ kind: 'percent', amount: 10, validForSeconds: 3 * 86_400 })
    expect(await experimentsOf(store.id)).toEqual([
      expect.objectContaining({ id: experiment, running: false, kept: 'b' }),
    ])
    const listed = await session.get(`/experiments?store=${store.id}`, page.cookies)
    expect(await listed.text()).toContain('kept B')
    // A second press finds no variants left: refused, nothing changed.
    const again = await page.send(await sequenceOf(store.id), { keep: 'email-1h:b' }, '/keep')
    expect(again.status).toBe(409)
  })
})
