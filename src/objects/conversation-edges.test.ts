// Texts that cross (a STOP before the answer, the merchant answering first), a plain yes, and a
// deleted cart.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { contactOf, PHONE, policyOf } from '#test/contacts'
import { assistantStore, cartWithPhone } from '#test/conversation'
import { api, waitForRow } from '#test/helpers'
import { aiReplies, detailOf, newSid, settle, text } from '#test/threads'
import { nightZone } from '#test/zones'
import type { Store } from '../db/stores'
import { isSuppressed } from '../db/suppressions'

describe('races and edges', () => {
  const ref = (store: Store) => ({ storeId: store.id, channel: 'sms' as const, address: PHONE })

  it('sends no answer to a question when STOP arrived before it was answered', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    const policy = await policyOf(store.id)
    const now = Date.now()
    await contactOf(store).receive(
      ref(store),
      { sid: newSid(), body: 'do you ship?', at: now },
      policy,
    )
    await contactOf(store).receive(ref(store), { sid: newSid(), body: 'STOP', at: now + 1 }, policy)
    await settle(store)
    expect(await aiReplies(store, id)).toEqual([])
    expect(await isSuppressed(env.DB, store.id, 'sms', PHONE)).toBe(true)
    await waitForRow("SELECT 1 FROM messages WHERE store_id = ? AND step_id = 'stop'", store.id)
  })

  it('takes a plain "yes" in a conversation as an answer, not as a subscription', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    await text(store, 'yes')
    expect(await aiReplies(store, id)).toHaveLength(1)
    expect((await detailOf(store, id)).journal.map((j) => j.type)).not.toContain('sms.opt_in')
  })

  it('drops a held answer the merchant already gave by hand', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store, nightZone())
    const policy = await policyOf(store.id)
    await contactOf(store).receive(
      ref(store),
      { sid: newSid(), body: 'do you ship to Canada?', at: Date.now() - 20 * 60_000 },
      policy,
    )
    await settle(store)
    const manual = await api(`/carts/${store.id}/${id}/reply`, {
      method: 'POST',
      json: { text: 'Yes we do, Sam here.' },
    })
    expect(manual.status).toBe(200)
    await runInDurableObject(contactOf(store), (_o, state) => {
      state.storage.sql.exec('UPDATE outgoing SET send_at = 0')
    })
    await runDurableObjectAlarm(contactOf(store)).catch(() => false)
    expect(await aiReplies(store, id)).toEqual([])
    expect((await detailOf(store, id)).journal.at(-1)).toMatchObject({
      reason: 'answered_by_merchant',
    })
  })

  it("forgets a deleted cart's thread (the consent ledger stays)", async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    await text(store, 'do you ship to Canada?')
    expect((await contactOf(store).conversation(id)).turns).toHaveLength(2)
    const res = await api(`/carts/${store.id}/${id}/actions`, {
      method: 'POST',
      json: { action: 'delete' },
    })
    expect(res.status).toBe(200)
    expect((await contactOf(store).conversation(id)).turns).toEqual([])
    expect(await contactOf(store).ledger()).toHaveLength(1)
  })
})
