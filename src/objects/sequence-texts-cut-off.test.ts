// A crash or a refusal around the Twilio call of a cart's sequence text: a text Twilio may have
// taken is never sent again, and what the cart lists and counts stays true.

import { describe, expect, it } from 'vitest'
import { beacon, ITEMS } from '#test/carts'
import { api } from '#test/helpers'
import * as provider from '#test/provider-calls'
import { linkFor, rebuilt } from '#test/restore'
import type { CouponIssuer } from '../adapters/coupons/types'

describe('a crash around the Twilio call (cart sequence)', () => {
  it('sends a text cut off before the call (during its coupon) once, after the restart', async () => {
    const { store, id, stub } = await provider.abandonedCart([
      {
        ...provider.step('sms-offer', 'sms', 0),
        incentive: { kind: 'percent', amount: 10, validForSeconds: 86_400 },
      },
    ])
    await api(`/stores/${store.id}`, {
      method: 'PATCH',
      json: {
        woocommerceApi: {
          consumerKey: 'ck_1234567890abcdef',
          consumerSecret: 'cs_1234567890abcdef',
        },
      },
    })
    let couponCalls = 0
    const coupons: CouponIssuer = {
      async create(_shop, coupon) {
        if (++couponCalls === 1) throw new Error('object evicted during the coupon call')
        return { ok: true, code: coupon.code, created: true }
      },
    }
    const twilio = provider.calls()
    await provider.abandonWith(stub, {
      coupons,
      sms: provider.twilioAt(provider.twilioApi(), twilio),
    })
    // Cut off before Twilio was called: nothing sent, listed or counted, and the step waits.
    expect(await provider.outboxOf(stub)).toEqual([
      { state: 'sending', attempts: 0, last_error: null },
    ])
    expect(twilio.sent).toHaveLength(0)
    expect(await provider.messageRows('cart_id = ?', id)).toEqual([])
    expect(await provider.runsOf(stub)).toEqual([['sms-offer', 'sending', null]])

    // The restart (`later` evicts the object): the send is made again and goes, once.
    await provider.later(stub, 0, { coupons, sms: provider.twilioAt(provider.twilioApi(), twilio) })
    expect(twilio.sent).toHaveLength(1)
    expect(await provider.runsOf(stub)).toEqual([['sms-offer', 'sent', null]])
    const sid = provider.sidOf(twilio.answers[0])
    expect(sid).toMatch(/^SM\d{32}$/)
    expect(await provider.messageRows('cart_id = ?', id)).toEqual([
      expect.objectContaining({
        id: provider.idIn(twilio.sent[0]),
        status: 'accepted',
        provider_id: sid,
      }),
    ])
    expect(await provider.textsToday(store.id)).toBe(1)

    // A later wake sends nothing more.
    await provider.later(stub, 0, { coupons, sms: provider.twilioAt(provider.twilioApi(), twilio) })
    expect(twilio.sent).toHaveLength(1)
    expect(await provider.outboxOf(stub)).toEqual([
      { state: 'sent', attempts: 1, last_error: null },
    ])
  })

  it('never resends a text cut off after Twilio took it; its status callback settles it', async () => {
    const { store, id, stub } = await provider.abandonedCart([provider.step('sms-1', 'sms', 0)])
    const twilio = provider.calls()
    await provider.abandonWith(stub, {
      sms: provider.twilioAt(provider.twilioApi(), twilio, () => {
        throw new Error('object evicted before the answer was recorded')
      }),
    })
    expect(twilio.sent).toHaveLength(1)
    expect(await provider.outboxOf(stub)).toEqual([
      { state: 'calling', attempts: 0, last_error: null },
    ])
    // Listed before the call, so the row is there although our record of the answer never was.
    const messageId = provider.idIn(twilio.sent[0])
    expect(await provider.messageRows('cart_id = ?', id)).toEqual([
      expect.objectContaining({ id: messageId, status: 'unknown', provider_id: null }),
    ])

    await provider.later(stub, 0, { sms: provider.twilioAt(provider.twilioApi(), twilio) })
    expect(twilio.sent).toHaveLength(1)
    const [run] = (await stub.snapshot())!.state.runs
    expect(run).toMatchObject({ status: 'failed', reason: 'outcome_unknown', messageId })
    expect(await provider.textsToday(store.id)).toBe(1)

    const sid = provider.sidOf(twilio.answers[0])!
    const res = await provider.statusCallback(store.id, messageId, sid, 'delivered')
    expect(await res.json()).toEqual({ ok: true, updated: true })
    expect(await provider.messageRows('cart_id = ?', id)).toEqual([
      expect.objectContaining({ id: messageId, status: 'delivered', provider_id: sid }),
    ])
  })
})

describe('a text refused, then stopped; a call cut off, then stopped (cart sequence)', () => {
  const archive = (storeId: string, id: string) =>
    api(`/carts/${storeId}/${id}/actions`, { method: 'POST', json: { action: 'archive' } })

  it('lists a text Twilio refused (429) as failed while its retry waits; stopped then, it stays failed', async () => {
    const { store, id, stub } = await provider.abandonedCart([provider.step('sms-1', 'sms', 0)])
    const twilio = provider.calls()
    await provider.abandonWith(stub, { sms: provider.rateLimited(twilio) })
    expect(twilio.answers).toEqual([expect.objectContaining({ ok: false, retryable: true })])
    expect(await provider.outboxOf(stub)).toEqual([
      { state: 'pending', attempts: 1, last_error: 'twilio_20429' },
    ])
    const messageId = provider.idIn(twilio.sent[0])
    // Nothing left: the row listed `unknown` before the call says so, not "may have been sent".
    expect(await provider.messageRows('cart_id = ?', id)).toEqual([
      expect.objectContaining({ id: messageId, status: 'failed', error: 'twilio_20429' }),
    ])

    expect((await archive(store.id, id)).status).toBe(200)
    await provider.later(stub, 0, { sms: provider.twilioAt(provider.twilioApi(), twilio) })
    expect(twilio.sent).toHaveLength(1)
    expect(await provider.outboxOf(stub)).toEqual([
      { state: 'failed', attempts: 1, last_error: 'cancelled' },
    ])
    expect(await provider.messageRows('cart_id = ?', id)).toEqual([
      expect.objectContaining({ id: messageId, status: 'failed', provider_id: null }),
    ])
    expect(await provider.textsToday(store.id)).toBe(0)
  })

  it('lists a text again when its retry after a 429 goes, with its SID', async () => {
    const { store, id, stub } = await provider.abandonedCart([provider.step('sms-1', 'sms', 0)])
    const twilio = provider.calls()
    await provider.abandonWith(stub, { sms: provider.rateLimited(twilio) })
    await provider.later(stub, 0, { sms: provider.twilioAt(provider.twilioApi(), twilio) })
    expect(twilio.sent).toHaveLength(2)
    expect(provider.idIn(twilio.sent[1])).toBe(provider.idIn(twilio.sent[0]))
    expect(await provider.runsOf(stub)).toEqual([['sms-1', 'sent', null]])
    expect(await provider.messageRows('cart_id = ?', id)).toEqual([
      expect.objectContaining({
        id: provider.idIn(twilio.sent[0]),
        status: 'accepted',
        provider_id: provider.sidOf(twilio.answers[1]),
        error: null,
      }),
    ])
    expect(await provider.textsToday(store.id)).toBe(1)
  })

  it('counts a text cut off mid-call although its step was stopped before the restart', async () => {
    const { store, id, stub } = await provider.abandonedCart([provider.step('sms-1', 'sms', 0)])
    const twilio = provider.calls()
    await provider.abandonWith(stub, { sms: provider.crashAfterCall(twilio) })
    expect(await provider.outboxOf(stub)).toEqual([
      { state: 'calling', attempts: 0, last_error: null },
    ])
    expect((await archive(store.id, id)).status).toBe(200)

    await provider.later(stub, 0, { sms: provider.twilioAt(provider.twilioApi(), twilio) })
    expect(twilio.sent).toHaveLength(1)
    expect(await provider.outboxOf(stub)).toEqual([
      { state: 'failed', attempts: 0, last_error: 'outcome_unknown' },
    ])
    // It may have gone: still listed as unknown (not withdrawn), and counted toward the cap.
    expect(await provider.messageRows('cart_id = ?', id)).toEqual([
      expect.objectContaining({ id: provider.idIn(twilio.sent[0]), status: 'unknown' }),
    ])
    expect(await provider.textsToday(store.id)).toBe(1)
  })

  it('takes a text of unknown outcome whose link rebuilt the cart as sent: clicked, credited', async () => {
    const { store, id, stub } = await provider.abandonedCart([provider.step('sms-1', 'sms', 0)])
    const twilio = provider.calls()
    await provider.abandonWith(stub, { sms: provider.crashAfterCall(twilio) })
    await provider.later(stub, 0, { sms: provider.twilioAt(provider.twilioApi(), twilio) })
    const messageId = provider.idIn(twilio.sent[0])
    expect((await stub.snapshot())!.state.runs[0]).toMatchObject({
      status: 'failed',
      reason: 'outcome_unknown',
      messageId,
    })

    expect((await rebuilt(await linkFor(store, id, 'sms-1'))).status).toBe(200)
    const [run] = (await stub.snapshot())!.state.runs
    expect(run).toMatchObject({ status: 'sent', reason: null, messageId })
    expect(run!.clickedAt).not.toBeNull()

    await beacon({
      store: store.publishableKey,
      cart: id,
      type: 'order',
      items: ITEMS,
      order: { id: '5001', total: 5600 },
    })
    expect((await stub.snapshot())!.state.attribution).toEqual({
      step: 'sms-1',
      channel: 'sms',
      via: 'click',
      variant: null,
      experiment: null,
    })
  })
})
