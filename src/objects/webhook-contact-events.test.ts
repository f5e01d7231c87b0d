// The texting contact's webhook events (issue 16): a reply, a handoff, STOP and START, handed
// over by the contact object with the transition and delivered in the order they happened.
import { describe, expect, it } from 'vitest'
import { PHONE } from '#test/contacts'
import { assistantStore, cartWithPhone } from '#test/conversation'
import { text } from '#test/threads'
import { bodies, deliver, endpointFor } from '#test/webhooks'
import { dataProblem } from '../domain/webhook/events'

describe('contact events to webhooks', () => {
  it('sends a reply, a handoff, an opt-out and an opt-in, in order, with the number unmasked', async () => {
    const store = await assistantStore()
    const e = await endpointFor(
      store,
      ['sms.reply_received', 'sms.handoff', 'contact.opted_out', 'contact.opted_in'],
      { includeContact: true },
    )
    const { id } = await cartWithPhone(store)
    await text(store, 'can I talk to a real person please')
    await text(store, 'STOP')
    await text(store, 'START')
    await deliver(e.stub)
    const got = await e.receiver.got()
    expect(got.every((g) => g.verified)).toBe(true)
    const events = bodies(got)
    expect(events.map((b) => b.type)).toEqual([
      'sms.reply_received',
      'sms.handoff',
      'sms.reply_received',
      'contact.opted_out',
      'sms.reply_received',
      'contact.opted_in',
    ])
    for (const b of events) expect(dataProblem(b)).toBeNull()
    expect(events[0]?.data).toMatchObject({
      contact: { phone: PHONE },
      body: 'can I talk to a real person please',
      cartId: id,
    })
    expect(events[3]?.data).toMatchObject({ channel: 'sms', via: 'reply', cartId: id })
  })

  it('sends nothing a store’s endpoints did not ask for, and masks the number', async () => {
    const store = await assistantStore()
    const e = await endpointFor(store, ['contact.opted_out'])
    await cartWithPhone(store)
    await text(store, 'where is my order?')
    await text(store, 'STOP')
    await deliver(e.stub)
    const events = bodies(await e.receiver.got())
    expect(events.map((b) => b.type)).toEqual(['contact.opted_out'])
    expect(events[0]?.data.contact).toEqual({ phone: `•••••••${PHONE.slice(-4)}` })
  })
})
