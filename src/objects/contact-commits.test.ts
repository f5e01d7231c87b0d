// What one answered text costs the contact object in writes: its rows and alarm writes, in the
// acknowledgement and in the alarm pass that answers it (issue 14), and that the answer's marks
// written together survive the object dying right after them.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { policyOf } from '#test/contacts'
import { assistantStore, cartWithPhone } from '#test/conversation'
import * as provider from '#test/provider-calls'
import { twilioInbound } from '#test/texts'
import { pendingCount } from '#test/threads'
import { createAdapters } from '../adapters'
import type { SmsSender } from '../adapters/sms/types'
import type { ContactState } from '../domain/contact/types'
import { countStorage, readCounters } from '../lib/bench-counters'
import type { ContactObject } from './contact-object'

const QUESTION = 'What is your returns policy?'

/** The contact's writes from here on: rows by what wrote them, and alarm writes. */
async function counting(storeId: string) {
  await runInDurableObject(provider.contactOf(storeId), (_o, s) => countStorage(s.storage))
  let last = readCounters()
  return () => {
    const now = readCounters()
    const by = Object.fromEntries(
      Object.entries(now.doWritesBy)
        .map(([k, v]) => [k, v - (last.doWritesBy[k] ?? 0)] as const)
        .filter(([, v]) => v > 0),
    )
    const alarms = now.doAlarmsSet - last.doAlarmsSet
    last = now
    return { alarms, by }
  }
}

const TWILIO_NUMBER = { sms: { doubleOptIn: false, fromNumber: '+14155550000' } }

/** The assistant's store, a shopper with a cart, and Twilio (the fake API) in the contact. */
async function answering(sms?: (log: ReturnType<typeof provider.calls>) => SmsSender) {
  const store = await assistantStore(TWILIO_NUMBER)
  await cartWithPhone(store)
  const twilio = provider.calls()
  await provider.useContactAdapters(store.id, {
    sms: sms ? sms(twilio) : provider.twilioAt(provider.twilioApi(), twilio),
  })
  return { store, twilio }
}

const aiTurns = (storeId: string) =>
  runInDurableObject(provider.contactOf(storeId), (_o, s) =>
    s.storage.sql.exec("SELECT key FROM turns WHERE author = 'ai'").toArray(),
  )

describe('the contact object’s writes for one answered text', () => {
  it('writes the text and its turn and one alarm in the ack; the answer, its marks and the handled flag after', async () => {
    const { store, twilio } = await answering()
    await twilioInbound(store.id, 'Do you ship to Canada?', provider.PHONE)
    await provider.handled(store.id)
    const since = await counting(store.id)
    await twilioInbound(store.id, QUESTION, provider.PHONE)
    const ack = since()
    await provider.handled(store.id)
    const pass = since()
    expect(twilio.sent).toHaveLength(2)
    // Rows as SQLite counts them (an index entry is a row): the text, its turn, one alarm.
    expect(ack).toEqual({
      alarms: 1,
      by: {
        'INSERT INTO inbound (sid, at, body, pending, car': 2,
        'INSERT OR IGNORE INTO turns (key, at, author, te': 4,
        setAlarm: 1,
      },
    })
    // `calling` before the call (the alarm that rang covers it); after it the mark, the count
    // and the turn; the handled flag; the retention alarm. Nothing rewritten that did not change.
    expect(pass).toEqual({
      alarms: 1,
      by: {
        'INSERT INTO replies (id, at, state, cart_id) VAL': 2,
        'UPDATE replies SET state = ? WHERE id = ?': 1,
        'INSERT INTO texts (at, cart_id) VALUES (?, ?)': 1,
        'INSERT OR IGNORE INTO turns (key, at, author, te': 4,
        'UPDATE inbound SET pending = 0 WHERE sid = ?': 1,
        setAlarm: 1,
      },
    })
  })

  it('keeps an answer’s turn in the commit that marks it sent: cut off right after, the retry sends nothing again', async () => {
    const { store, twilio } = await answering((log) => {
      const sms = provider.twilioAt(provider.twilioApi(), log)
      // The object dies right after the answer's marks: its next look at the adapter (to list
      // the outcome in D1) throws.
      return {
        ...sms,
        get provider() {
          if (log.answers.length > 0) throw new Error('object evicted after the answer was marked')
          return sms.provider
        },
      }
    })
    await twilioInbound(store.id, QUESTION, provider.PHONE)
    expect(await provider.handled(store.id)).toEqual({ pending: 1, attempts: 1 })
    expect(twilio.sent).toHaveLength(1)
    expect(await provider.replyKeys(store.id)).toEqual([{ state: 'sent' }])
    expect(await aiTurns(store.id)).toHaveLength(1)

    expect(
      await provider.restartAndRetry(store.id, {
        sms: provider.twilioAt(provider.twilioApi(), twilio),
      }),
    ).toEqual({ pending: 0, attempts: 1 })
    expect(twilio.sent).toHaveLength(1)
    expect(await aiTurns(store.id)).toHaveLength(1)
    expect(await provider.textsToday(store.id)).toBe(1)
  })

  it('writes no alarm for a second consent that changes nothing: the time is unchanged', async () => {
    const { store } = await answering()
    const stub = provider.contactOf(store.id)
    const alarm = await provider.alarmOf(store.id)
    const since = await counting(store.id)
    const ledger = await stub.ledger()
    expect(ledger).toHaveLength(1)
    const { channel: _c, address: _a, ...same } = ledger[0]!
    await stub.recordConsent(provider.refOf(store.id), same, await policyOf(store.id))
    expect(since()).toEqual({ alarms: 0, by: {} })
    expect(await provider.alarmOf(store.id)).toBe(alarm)
  })

  it('writes the alarm again in a pass that ends at the time it rang for: the rung alarm is gone', async () => {
    const { store } = await answering()
    await twilioInbound(store.id, QUESTION, provider.PHONE)
    await provider.handled(store.id)
    const retention = await provider.alarmOf(store.id)
    expect(retention).toBeGreaterThan(Date.now() + 300 * 86_400_000)
    const since = await counting(store.id)
    expect(await runDurableObjectAlarm(provider.contactOf(store.id))).toBe(true)
    const { alarms } = since()
    // Without the write the runtime would have deleted it (checked: it does).
    expect(await provider.alarmOf(store.id)).toBe(retention)
    expect(alarms).toBe(1)
  })

  it('settles a call cut off mid-pass from the alarm that rang, which the runtime rings again: never resent', async () => {
    const store = await assistantStore(TWILIO_NUMBER)
    await cartWithPhone(store)
    const twilio = provider.calls()
    let reset = false
    const cutOff = (s: DurableObjectState): SmsSender => {
      const sms = provider.twilioAt(provider.twilioApi(), twilio)
      // Twilio takes the text and the object is reset before it hears back.
      return {
        ...sms,
        async send(m, o) {
          await sms.send(m, o)
          reset = true
          s.abort('reset mid-call')
          return new Promise(() => {})
        },
      }
    }
    // A stub to an object that was reset stays broken: each step below takes a new one.
    await runInDurableObject(provider.contactOf(store.id), (o: ContactObject, s) => {
      o.clock = Date.now
      Object.assign(o, { adapters: { ...createAdapters(env), sms: cutOff(s) } })
    })
    // The runtime's own alarm rings for the text (the object's clock is the runtime's); its
    // next instance has Twilio again before the runtime rings the alarm again (2 s later).
    await twilioInbound(store.id, QUESTION, provider.PHONE)
    let again = false
    const twilioAgain = () =>
      provider.useContactAdapters(
        store.id,
        { sms: provider.twilioAt(provider.twilioApi(), twilio) },
        'runtime',
      )
    await vi.waitUntil(
      async () => {
        if (!reset) return false
        again ||= await twilioAgain().then(
          () => true,
          () => false,
        )
        return again && (await pendingCount(provider.contactOf(store.id))) === 0
      },
      { timeout: 15_000, interval: 100 },
    )
    expect(twilio.sent).toHaveLength(1)
    expect(await provider.replyKeys(store.id)).toEqual([{ state: 'unknown' }])
    expect(await provider.textsToday(store.id)).toBe(1)
  }, 20_000)

  it('reads its state keys once per instance, not in every step of an answered text', async () => {
    const { store, twilio } = await answering()
    await twilioInbound(store.id, 'Do you ship to Canada?', provider.PHONE)
    await provider.handled(store.id)
    const keys = ['optIn', 'suppressed', 'thread', 'activeCart', 'retryAt']
    const reads: string[] = []
    await runInDurableObject(provider.contactOf(store.id), (_o, s) => {
      const get = s.storage.kv.get.bind(s.storage.kv)
      Object.assign(s.storage.kv, {
        get: (key: string) => {
          if (keys.includes(key)) reads.push(key)
          return get(key)
        },
      })
    })
    await twilioInbound(store.id, QUESTION, provider.PHONE)
    await provider.handled(store.id)
    expect(twilio.sent).toHaveLength(2)
    expect(reads).toEqual([])
    // What it knows is what storage holds, as a new instance would read it.
    const held = await heldState(store.id)
    expect(held.known).toEqual(held.stored)
    expect(held.stored.activeCart).not.toBeNull()
  })

  it('knows what storage holds after an opt-out, an opt-in and a privacy erasure', async () => {
    const { store } = await answering()
    await twilioInbound(store.id, 'Do you ship to Canada?', provider.PHONE)
    await provider.handled(store.id)
    await twilioInbound(store.id, 'STOP', provider.PHONE)
    await provider.handled(store.id)
    const stopped = await heldState(store.id)
    expect(stopped.known).toEqual(stopped.stored)
    expect(stopped.known.suppressed).toBe(true)
    await twilioInbound(store.id, 'START', provider.PHONE)
    await provider.handled(store.id)
    const started = await heldState(store.id)
    expect(started.known).toEqual(started.stored)
    expect(started.known.suppressed).toBe(false)
    await provider.contactOf(store.id).forgetPerson()
    const forgotten = await heldState(store.id)
    expect(forgotten.known).toEqual(forgotten.stored)
    expect(forgotten.known).toMatchObject({ thread: 'ai', activeCart: null })
  })
})

/** The contact's state as its live instance knows it, and as a new instance would read it. */
function heldState(storeId: string) {
  return runInDurableObject(provider.contactOf(storeId), (o: ContactObject, s) => {
    const kv = s.storage.kv
    return {
      known: (o as unknown as { store: { state(): ContactState } }).store.state(),
      stored: {
        optIn: kv.get('optIn') ?? 'none',
        suppressed: kv.get('suppressed') ?? false,
        thread: kv.get('thread') ?? 'ai',
        activeCart: kv.get('activeCart') ?? null,
        retryAt: kv.get('retryAt') ?? null,
      },
    }
  })
}
