// Opt-outs in a conversation: plain words, a doubtful text, and one confirmation per number.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { abandonNow, PHONE } from '#test/contacts'
import { assistantStore, cartWithPhone } from '#test/conversation'
import { waitForRow } from '#test/helpers'
import { aiReplies, detailOf, text, textsTo } from '#test/threads'
import { isSuppressed } from '../db/suppressions'

describe('opt-outs in plain words', () => {
  it('"stop texting me" suppresses the number, confirms once, and no reminder follows', async () => {
    const store = await assistantStore()
    const { id, stub } = await cartWithPhone(store)
    await text(store, 'Stop texting me')
    expect(await isSuppressed(env.DB, store.id, 'sms', PHONE)).toBe(true)
    const stop = await waitForRow<{ text: string }>(
      "SELECT text FROM messages WHERE store_id = ? AND step_id = 'stop'",
      store.id,
    )
    expect(stop.text).toContain('unsubscribed')
    expect(await aiReplies(store, id)).toEqual([])
    expect((await detailOf(store, id)).journal.find((j) => j.type === 'sms.opt_out')).toMatchObject(
      { via: 'words' },
    )
    // The abandoned cart's text step is skipped.
    expect(await abandonNow(stub)).toMatchObject({
      status: 'skipped',
      reason: 'sms_suppressed',
    })
    // Anything but a keyword gets nothing now.
    await text(store, 'why?')
    expect(await aiReplies(store, id)).toEqual([])
    expect((await detailOf(store, id)).journal.at(-1)).toMatchObject({ reason: 'opted_out' })
    expect(await textsTo(store, 'stop')).toHaveLength(1)
  })

  it('"no más" in Spanish too', async () => {
    const store = await assistantStore()
    await cartWithPhone(store)
    await text(store, 'No más, gracias')
    expect(await isSuppressed(env.DB, store.id, 'sms', PHONE)).toBe(true)
  })

  it('treats an unsure message as an opt-out when nothing can tell otherwise', async () => {
    const store = await assistantStore()
    const { id } = await cartWithPhone(store)
    await text(store, 'please remove this')
    expect(await isSuppressed(env.DB, store.id, 'sms', PHONE)).toBe(true)
    expect((await detailOf(store, id)).journal.find((j) => j.type === 'sms.opt_out')).toMatchObject(
      { via: 'doubt' },
    )
  })
})

describe('one confirmation', () => {
  it('confirms the first STOP only; a second STOP from an opted-out number gets nothing', async () => {
    const store = await assistantStore()
    await cartWithPhone(store)
    await text(store, 'STOP')
    await text(store, 'stop')
    await waitForRow("SELECT 1 FROM messages WHERE store_id = ? AND step_id = 'stop'", store.id)
    expect(await textsTo(store, 'stop')).toHaveLength(1)
  })
})
