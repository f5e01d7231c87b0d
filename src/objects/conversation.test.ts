// Answers to a shopper's texts through the real webhook, contact object, cart object and D1: the
// offline responder answers (the AI binding never runs in tests), coupons go to an injected issuer
// (the network it stands for).
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { PHONE, withAdapters } from '#test/contacts'
import { assistantStore, cartWithPhone } from '#test/conversation'
import { api, call, waitForRow } from '#test/helpers'
import { aiReplies, type Detail, detailOf, text } from '#test/threads'
import type { CouponIssuer } from '../adapters/coupons/types'

describe('answers to texts', () => {
  it('answers a question from the knowledge base with the cart link, and says it is automated', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    await text(store, 'do you ship to Canada?')
    const reply = await waitForRow<{ text: string }>(
      "SELECT text FROM messages WHERE store_id = ? AND step_id = 'ai'",
      store.id,
    )
    expect(reply.text).toMatch(
      /^\(Automated reply\) We ship to the US and Canada; Canada takes 5-8 business days\. Your cart: https:\/\/cartback\.test\/s\/[0-9A-Za-z]{10}$/,
    )
    const d = await detailOf(store, id)
    expect(d.conversation?.state).toBe('ai')
    expect(d.conversation?.turns.map((t) => [t.author, t.model])).toEqual([
      ['shopper', null],
      ['ai', 'local'],
    ])
    expect(d.conversation?.turns[0]?.text).toBe('do you ship to Canada?')
    expect(d.journal.find((j) => j.type === 'sms.answered')).toMatchObject({
      model: 'local',
      attempts: 1,
    })
    // Only the first AI message of the thread says it.
    await text(store, 'and returns?')
    expect((await aiReplies(store, id))[1]).toMatch(/^Returns are free within 30 days\./)
  })

  it('offers the allowed incentive once per cart, and the reply link applies it on restore', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    const made: string[] = []
    const coupons: CouponIssuer = {
      async create(_shop, coupon) {
        made.push(coupon.code)
        return { ok: true, code: coupon.code, created: true }
      },
    }
    await withAdapters(store, (base) => ({ ...base, coupons }))
    await text(store, 'is there a discount?')
    await text(store, 'any coupon code?')
    const replies = await aiReplies(store, id)
    expect(made).toHaveLength(1)
    const code = made[0]!
    expect(replies.map((r) => r.includes(`use code ${code}`))).toEqual([true, true])
    // The short link in the reply leads to a restore that carries the code.
    const short = /\/s\/([0-9A-Za-z]{10})/.exec(replies[0]!)![1]!
    const row = await env.DB.prepare('SELECT token FROM short_links WHERE code = ?')
      .bind(short)
      .first<{ token: string }>()
    const restore = await call(`/v1/restore/${row!.token}`)
    expect(((await restore.json()) as { incentive: { code: string } }).incentive).toEqual({ code })
  })

  it('hands off to a person: emails the merchant and stays silent until resumed', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    await text(store, 'can I talk to a real person please')
    expect((await aiReplies(store, id))[0]).toContain('someone from the Harbor Goods team')
    const email = await waitForRow<{ text: string; to: string; subject: string }>(
      'SELECT text, "to", subject FROM messages WHERE store_id = ? AND step_id = \'handoff\'',
      store.id,
    )
    expect(email).toMatchObject({
      to: 'help@harbor.example',
      subject: 'Harbor Goods: a shopper asked for a person',
    })
    expect(email.text).toContain(PHONE)
    expect(email.text).toContain('can I talk to a real person please')
    expect((await detailOf(store, id)).conversation?.state).toBe('needs_human')

    await text(store, 'hello? do you ship to Canada?')
    expect(await aiReplies(store, id)).toHaveLength(1)
    expect((await detailOf(store, id)).journal.at(-1)).toMatchObject({
      type: 'sms.received',
      answered: false,
      reason: 'needs_human',
    })

    // The merchant answers by hand, then gives the thread back.
    const manual = await api(`/carts/${store.id}/${id}/reply`, {
      method: 'POST',
      json: { text: 'Hi, this is Sam from Harbor Goods. Yes, we do!' },
    })
    expect(manual.status).toBe(200)
    const resumed = await api(`/carts/${store.id}/${id}/actions`, {
      method: 'POST',
      json: { action: 'resume_ai' },
    })
    expect(
      ((await resumed.json()) as Detail['conversation'] & { conversation: { state: string } })
        .conversation.state,
    ).toBe('ai')
    await text(store, 'and returns?')
    const d = await detailOf(store, id)
    expect(d.conversation?.turns.map((t) => t.author)).toEqual([
      'shopper',
      'ai',
      'shopper',
      'merchant',
      'shopper',
      'ai',
    ])
  })

  it('hands off honestly when the knowledge base has no answer', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    await text(store, 'what is the meaning of life')
    expect((await aiReplies(store, id))[0]).toBe(
      '(Automated reply) Let me check with the team and get back to you.',
    )
    expect((await detailOf(store, id)).conversation?.state).toBe('needs_human')
  })

  it('stops answering after ten replies in an hour (auto-responder loops end)', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    for (let i = 0; i < 11; i++) await text(store, `how much is my cart? (${i})`)
    expect(await aiReplies(store, id)).toHaveLength(10)
    expect((await detailOf(store, id)).journal.at(-1)).toMatchObject({
      type: 'sms.received',
      reason: 'reply_cap',
    })
  })

  it('keeps texts for the merchant, unanswered, when the store turns the assistant off', async () => {
    const store = await assistantStore({ ai: { enabled: false } })
    const { id } = await cartWithPhone(store)
    await text(store, 'do you ship to Canada?')
    expect(await aiReplies(store, id)).toEqual([])
    const d = await detailOf(store, id)
    expect(d.conversation?.turns.map((t) => t.author)).toEqual(['shopper'])
    expect(d.journal.at(-1)).toMatchObject({ reason: 'assistant_off' })
  })
})
