import { describe, expect, it } from 'vitest'
import { cartId, contactCart } from '#test/carts'
import { api, createStore, errorOf } from '#test/helpers'
import type { Store } from '../../db/stores'

describe('sequences', () => {
  const sms = (body: string, id = 'sms-1') => ({
    id,
    channel: 'sms',
    delaySeconds: 3600,
    windowSeconds: 7200,
    template: { body },
  })

  it('starts every store with the default sequence and sizes its texts', async () => {
    const store = await createStore()
    const res = await api(`/stores/${store.id}/sequence`)
    const body = (await res.json()) as {
      sequence: { id: string }[]
      texts: { stepId: string; worstCase: { segments: number } }[]
    }
    expect(body.sequence.map((s) => s.id)).toEqual(['email-1h', 'sms-3h', 'email-24h', 'email-72h'])
    expect(body.texts).toMatchObject([{ stepId: 'sms-3h', maxSegments: 2 }])
    expect(body.texts[0]!.worstCase.segments).toBeLessThanOrEqual(2)
  })

  it('replaces the sequence', async () => {
    const store = await createStore()
    const res = await api(`/stores/${store.id}/sequence`, {
      method: 'PUT',
      json: { sequence: [sms('{{storeName}}: {{restoreUrl}}')] },
    })
    expect(res.status).toBe(200)
    const saved = (await (await api(`/stores/${store.id}`)).json()) as Store
    expect(saved.settings.sequence).toEqual([sms('{{storeName}}: {{restoreUrl}}')])
  })

  const bad: [string, unknown][] = [
    ['a text over two segments', [sms(`${'Very long text. '.repeat(18)}{{restoreUrl}}`)]],
    ['an unknown variable', [sms('Hi {{name}}')]],
    ['duplicate step ids', [sms('a'), sms('b')]],
    ['steps out of order', [{ ...sms('a', 'late'), delaySeconds: 7200 }, sms('b', 'early')]],
    [
      'a percent incentive over 100',
      [{ ...sms('a'), incentive: { kind: 'percent', amount: 150, validForSeconds: 86400 } }],
    ],
    [
      'an email step without a subject',
      [
        {
          id: 'e',
          channel: 'email',
          delaySeconds: 0,
          windowSeconds: 3600,
          template: { heading: 'h', body: 'b', buttonLabel: 'go' },
        },
      ],
    ],
  ]
  it.each(bad)('refuses %s with 400 and keeps the old sequence', async (_n, sequence) => {
    const store = await createStore()
    const res = await api(`/stores/${store.id}/sequence`, { method: 'PUT', json: { sequence } })
    expect(res.status).toBe(400)
    expect((await errorOf(res)).message).toMatch(/sequence/)
    const saved = (await (await api(`/stores/${store.id}`)).json()) as Store
    expect(saved.settings.sequence).toEqual(store.settings.sequence)
  })

  it('checks text sizes on a settings PATCH too', async () => {
    const store = await createStore()
    const res = await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: { settings: { sequence: [sms(`${'Very long text. '.repeat(18)}{{restoreUrl}}`)] } },
    })
    expect(res.status).toBe(400)
    expect((await errorOf(res)).message).toContain('step sms-1')
  })

  it('previews a saved step against a sample cart, and an unsaved one against a real cart', async () => {
    const store = await createStore()
    const email = await api(`/stores/${store.id}/preview`, {
      method: 'POST',
      json: { stepId: 'email-1h' },
    })
    const rendered = (await email.json()) as {
      channel: string
      subject: string
      html: string
      text: string
    }
    expect(rendered).toMatchObject({ channel: 'email', subject: 'You left something in your cart' })
    expect(rendered.html).toContain('Ocean Tee')
    const { id } = await contactCart(store, { firstName: 'Grace' })
    const text = await api(`/stores/${store.id}/preview`, {
      method: 'POST',
      json: { cart: id, step: sms('Hi {{firstName}}, {{itemCount}} items: {{restoreUrl}}') },
    })
    expect(await text.json()).toMatchObject({
      channel: 'sms',
      text: 'Hi Grace, 3 items: https://cartback.test/s/PREVIEW123\nReply STOP to opt out',
      encoding: 'GSM-7',
      segments: 1,
    })
  })

  it('refuses a preview of an unknown step or cart', async () => {
    const store = await createStore()
    expect(
      (await api(`/stores/${store.id}/preview`, { method: 'POST', json: { stepId: 'nope' } }))
        .status,
    ).toBe(404)
    expect(
      (
        await api(`/stores/${store.id}/preview`, {
          method: 'POST',
          json: { stepId: 'email-1h', cart: cartId() },
        })
      ).status,
    ).toBe(404)
    expect((await api(`/stores/${store.id}/preview`, { method: 'POST', json: {} })).status).toBe(
      400,
    )
  })

  it('refuses quiet hours wider than the law allows', async () => {
    const store = await createStore()
    const res = await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: { settings: { quietHours: { startHour: 7, endHour: 21 } } },
    })
    expect(res.status).toBe(400)
    const ok = await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: { settings: { quietHours: { startHour: 9, endHour: 19 } } },
    })
    expect(((await ok.json()) as Store).settings.quietHours).toEqual({ startHour: 9, endHour: 19 })
  })
})
