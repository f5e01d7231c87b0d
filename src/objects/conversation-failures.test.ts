// A text whose handling fails: retried a minute later, then handed to a person.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { contactOf, PHONE, withSmsSend } from '#test/contacts'
import { assistantStore, cartWithPhone } from '#test/conversation'
import { twilioInbound } from '#test/texts'
import { aiReplies, detailOf, pendingCount, settle } from '#test/threads'

describe('failures', () => {
  it('keeps a text whose handling failed, tries again a minute later, and answers once', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    let calls = 0
    await withSmsSend(store, (send) => async (...args) => {
      calls++
      if (calls === 1) throw new Error('socket hang up')
      return send(...args)
    })
    const res = await twilioInbound(store.id, 'do you ship to Canada?', PHONE)
    expect(res.status).toBe(200)
    // The first attempt.
    expect(await runDurableObjectAlarm(contactOf(store))).toBe(true)
    expect(calls).toBe(1)
    expect(await pendingCount(contactOf(store))).toBe(1)
    const alarm = await runInDurableObject(contactOf(store), (_o, s) => s.storage.getAlarm())
    expect((alarm ?? 0) - Date.now()).toBeGreaterThan(30_000)
    await settle(store)
    expect(await aiReplies(store, id)).toHaveLength(1)
    expect(calls).toBe(2)
  })
})

describe('giving up', () => {
  it('hands a text to a person after five failed attempts, and stops retrying it', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    await withSmsSend(store, () => async () => {
      throw new Error('network down')
    })
    await twilioInbound(store.id, 'do you ship to Canada?', PHONE)
    for (let i = 0; i < 6; i++) await runDurableObjectAlarm(contactOf(store)).catch(() => false)
    const row = await runInDurableObject(contactOf(store), (_o, state) =>
      state.storage.sql
        .exec<{ pending: number; attempts: number }>('SELECT pending, attempts FROM inbound')
        .one(),
    )
    expect(row).toEqual({ pending: 0, attempts: 5 })
    const d = await detailOf(store, id)
    expect(d.conversation?.state).toBe('needs_human')
    expect(d.journal.find((j) => j.type === 'sms.handoff')).toMatchObject({
      reason: 'handling_failed',
      emailed: true,
    })
  })
})
