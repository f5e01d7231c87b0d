// A shopper's texts and what comes back: Twilio's posts, the contact's alarm handling them, and
// the thread as D1 and the cart's detail show it.
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { expect } from 'vitest'
import type { Store } from '../src/db/stores'
import type { contactStub } from '../src/objects/stubs'
import { contactOf, PHONE } from './contacts'
import { api } from './helpers'
import { twilioInbound } from './texts'

export const newSid = () => `SM${crypto.randomUUID().replace(/-/g, '')}`

/** A text from the phone, as Twilio posts it (a fresh SID unless given). */
export const reply = (store: Store, body: string, from = PHONE, sid?: string) =>
  twilioInbound(store.id, body, from, sid)

/** How many received texts the contact still has to handle. */
export const pendingCount = (stub: ReturnType<typeof contactStub>) =>
  runInDurableObject(
    stub,
    (_o, state) =>
      state.storage.sql
        .exec<{ n: number }>('SELECT COUNT(*) AS n FROM inbound WHERE pending = 1')
        .one().n,
  )

/** Rings the contact's alarm: every text it holds is handled when it returns. */
export async function settle(store: Store) {
  expect(await runDurableObjectAlarm(contactOf(store))).toBe(true)
  if ((await pendingCount(contactOf(store))) !== 0) throw new Error('the texts were never handled')
}

/** A text from the shopper, answered (`<Response/>`) and then handled by the contact's alarm. */
export async function text(store: Store, body: string) {
  const res = await twilioInbound(store.id, body, PHONE)
  expect(res.status).toBe(200)
  expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>')
  await settle(store)
}

/** The texts of one step the store sent (D1's message rows), oldest first. */
export async function textsTo(store: Store, step: string): Promise<string[]> {
  const { results } = await env.DB.prepare(
    'SELECT text FROM messages WHERE store_id = ? AND step_id = ? ORDER BY created_at',
  )
    .bind(store.id, step)
    .all<{ text: string }>()
  return results.map((r) => r.text)
}

export type Detail = {
  conversation: {
    state: string
    turns: { author: string; text: string; model: string | null; at: string }[]
  } | null
  journal: { type: string; [k: string]: unknown }[]
}
export const detailOf = async (store: Store, id: string) =>
  (await (await api(`/carts/${store.id}/${id}`)).json()) as Detail

/** The assistant's replies in the cart's thread (the object's record, not the eventual D1 rows). */
export const aiReplies = async (store: Store, id: string) =>
  ((await detailOf(store, id)).conversation?.turns ?? [])
    .filter((t) => t.author === 'ai')
    .map((t) => t.text)
