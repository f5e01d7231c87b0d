// Answers at night: sent at once to a fresh question, held until the shopper's morning otherwise.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { contactOf, PHONE, policyOf } from '#test/contacts'
import { assistantStore, cartWithPhone } from '#test/conversation'
import { aiReplies, detailOf, newSid, settle } from '#test/threads'
import { nightZone } from '#test/zones'
import type { Store } from '../db/stores'

describe('answers and quiet hours', () => {
  const nightCart = async (store: Store) => (await cartWithPhone(store, nightZone())).id
  const receive = async (store: Store, askedAgoMs: number) => {
    const ref = { storeId: store.id, channel: 'sms' as const, address: PHONE }
    await contactOf(store).receive(
      ref,
      {
        sid: newSid(),
        body: 'do you ship to Canada?',
        at: Date.now() - askedAgoMs,
      },
      await policyOf(store.id),
    )
    await settle(store)
  }

  it('answers at night when the shopper wrote less than 15 minutes ago', async () => {
    const store = await assistantStore()
    const id = await nightCart(store)
    await receive(store, 60_000)
    expect(await aiReplies(store, id)).toHaveLength(1)
  })

  it('holds a later answer until morning at the shopper, then sends it', async () => {
    const store = await assistantStore()
    const id = await nightCart(store)
    await receive(store, 20 * 60_000)
    expect(await aiReplies(store, id)).toEqual([])
    const deferred = (await detailOf(store, id)).journal.find(
      (j) => j.type === 'sms.answer_deferred',
    )
    expect(deferred).toMatchObject({ model: 'local' })
    const until = Date.parse(String(deferred?.until))
    expect(until - Date.now()).toBeGreaterThan(4 * 3_600_000)
    // Morning comes.
    await runInDurableObject(contactOf(store), (_o, state) => {
      state.storage.sql.exec('UPDATE outgoing SET send_at = 0')
    })
    await runDurableObjectAlarm(contactOf(store)).catch(() => false)
    const replies = await aiReplies(store, id)
    expect(replies).toHaveLength(1)
    expect(replies[0]).toMatch(/^\(Automated reply\) We ship to the US and Canada/)
  })
})
