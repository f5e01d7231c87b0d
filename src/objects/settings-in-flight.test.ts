import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { abandonedCart as abandonIn } from '#test/carts'
import { api, createStore, waitForRow } from '#test/helpers'
import type { Adapters } from '../adapters'
import type { EmailMessage } from '../adapters/email/types'
import type { CartState } from '../domain/cart/types'
import type { Step } from '../domain/sequence/steps'
import type { CartPolicy } from '../domain/store/settings'
import type { CartObject } from './cart-object'

const HOUR = 3_600_000

const step = (id: string, delaySeconds: number, subject: string): Step => ({
  id,
  channel: 'email',
  delaySeconds,
  windowSeconds: 86_400,
  template: {
    subject,
    heading: 'Hi {{firstName}}',
    body: 'Total {{total}}',
    buttonLabel: 'Return',
  },
})
const FIRST = step('email-now', 0, 'Your {{storeName}} cart')
const LATER = step('email-later', 3600, 'Still thinking it over?')
const SENDER = {
  fromEmail: 'shop@acme.example',
  fromName: 'Acme',
  postalAddress: '1 Market St, San Francisco, CA',
}

/** A cart abandoned under a two-step sequence: the first email went out at abandonment. */
async function abandonedCart() {
  const store = await createStore({
    settings: {
      inactivitySeconds: 60,
      attributionWindowSeconds: 7 * 86_400,
      sender: SENDER,
      sequence: [FIRST, LATER],
    },
  })
  const { id, stub } = await abandonIn(store, { email: 'ada@example.com', firstName: 'Ada' })
  const first = await waitForRow<{ subject: string }>(
    'SELECT subject FROM messages WHERE cart_id = ? AND step_id = ?',
    id,
    'email-now',
  )
  expect(first.subject).toBe(`Your ${store.name} cart`)
  return { store, id, stub }
}

async function patchSettings(storeId: string, settings: Record<string, unknown>) {
  const res = await api(`/stores/${storeId}`, { method: 'PATCH', json: { settings } })
  expect(res.status).toBe(200)
}

/**
 * Moves the cart's abandonment and its steps `ms` into the past, as if that much time had
 * gone by, and restarts the object. The alarm stays armed for the next step.
 */
async function elapse(stub: DurableObjectStub<CartObject>, ms: number) {
  await runInDurableObject(stub, (_o: CartObject, state) => {
    const s = state.storage.kv.get<CartState>('state')!
    const back = (t: number | null) => (t === null ? null : t - ms)
    state.storage.kv.put('state', {
      ...s,
      createdAt: s.createdAt - ms,
      lastActivityAt: s.lastActivityAt - ms,
      abandonedAt: back(s.abandonedAt),
      abandonDueAt: back(s.abandonDueAt),
      runs: s.runs.map((r) => ({ ...r, dueAt: r.dueAt - ms, at: back(r.at) })),
    })
  })
  await evictDurableObject(stub)
}

/** Emails the dev outbox sink took from this object since it last started. */
const emailsSent = (stub: DurableObjectStub<CartObject>) =>
  runInDurableObject(
    stub,
    (o: CartObject) =>
      (o as unknown as { adapters: Adapters }).adapters.email as unknown as {
        sent: EmailMessage[]
      },
  ).then((sink) => sink.sent)

const messageCount = async (cart: string) =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM messages WHERE cart_id = ?')
    .bind(cart)
    .first<{ n: number }>())!.n

describe('settings reach carts already in flight', () => {
  it('stops the pending send of a step removed from the sequence, and journals why', async () => {
    const { store, id, stub } = await abandonedCart()
    await patchSettings(store.id, { sequence: [FIRST] })
    await elapse(stub, HOUR)
    expect(await runDurableObjectAlarm(stub)).toBe(true)
    const snap = (await stub.snapshot())!
    expect(snap.state.runs.map((r) => [r.id, r.status, r.reason])).toEqual([
      ['email-now', 'sent', null],
      ['email-later', 'skipped', 'step_removed'],
    ])
    expect(snap.journal).toContainEqual(
      expect.objectContaining({
        type: 'message.skipped',
        source: 'merchant',
        step: 'email-later',
        reason: 'step_removed',
      }),
    )
    expect(await emailsSent(stub)).toEqual([])
    expect(await messageCount(id)).toBe(1)
  })

  it('sends the next message of a cart abandoned before a template edit with the new template', async () => {
    const { store, id, stub } = await abandonedCart()
    await patchSettings(store.id, {
      sequence: [
        FIRST,
        { ...LATER, template: { ...LATER.template, subject: 'Fixed: {{storeName}}' } },
      ],
    })
    await elapse(stub, HOUR)
    await runDurableObjectAlarm(stub)
    const row = await waitForRow<{ subject: string }>(
      'SELECT subject FROM messages WHERE cart_id = ? AND step_id = ?',
      id,
      'email-later',
    )
    expect(row.subject).toBe(`Fixed: ${store.name}`)
  })

  it('sends the next message from the new sender', async () => {
    const { store, id, stub } = await abandonedCart()
    await patchSettings(store.id, {
      sender: {
        fromEmail: 'hello@acme.example',
        fromName: 'Acme Team',
        postalAddress: '9 Pier Rd',
      },
    })
    await elapse(stub, HOUR)
    await runDurableObjectAlarm(stub)
    const sent = await emailsSent(stub)
    expect(sent.map((m) => m.from)).toEqual(['"Acme Team" <hello@acme.example>'])
    const row = await waitForRow<{ text: string }>(
      'SELECT text FROM messages WHERE cart_id = ? AND step_id = ?',
      id,
      'email-later',
    )
    expect(row.text).toContain('9 Pier Rd')
    expect(row.text).not.toContain('1 Market St')
  })

  it('reschedules a step whose delay changed', async () => {
    const { store, stub } = await abandonedCart()
    await patchSettings(store.id, { sequence: [FIRST, { ...LATER, delaySeconds: 3 * 3600 }] })
    await elapse(stub, HOUR)
    await runDurableObjectAlarm(stub)
    const snap = (await stub.snapshot())!
    const run = snap.state.runs.find((r) => r.id === 'email-later')!
    expect(run).toMatchObject({ status: 'scheduled', dueAt: snap.state.abandonDueAt! + 3 * HOUR })
    expect(snap.journal).toContainEqual(
      expect.objectContaining({ type: 'message.rescheduled', step: 'email-later' }),
    )
    expect(await emailsSent(stub)).toEqual([])
    expect(await runInDurableObject(stub, (_o, s) => s.storage.getAlarm())).toBe(run.dueAt)
  })

  it('keeps the newest settings: a caller with an older copy does not take the cart back', async () => {
    const { store, stub } = await abandonedCart()
    await patchSettings(store.id, { sequence: [FIRST] })
    await elapse(stub, HOUR)
    await runDurableObjectAlarm(stub)
    const stored = () =>
      runInDurableObject(stub, (_o, s) => s.storage.kv.get<CartPolicy>('policy')!)
    const newest = await stored()
    expect(newest.version).toBeGreaterThan(Date.parse(store.updatedAt))
    expect(newest.sequence.map((s) => s.id)).toEqual(['email-now'])
    // A beacon routed through an isolate whose store cache predates the PATCH.
    const stale = { ...newest, version: Date.parse(store.updatedAt), sequence: [FIRST, LATER] }
    await runInDurableObject(stub, (o: CartObject) =>
      o.ingest({ storeId: store.id, cartId: 'x' }, { kind: 'cart' }, stale, 'USD'),
    )
    expect((await stored()).sequence.map((s) => s.id)).toEqual(['email-now'])
  })

  it('loads a cart whose policy was stored before settings had a version', async () => {
    const { store, stub } = await abandonedCart()
    await runInDurableObject(stub, (_o, s) => {
      const { version: _v, ...old } = s.storage.kv.get<CartPolicy>('policy')!
      s.storage.kv.put('policy', old)
    })
    await evictDurableObject(stub)
    await patchSettings(store.id, { sequence: [FIRST] })
    await elapse(stub, HOUR)
    await runDurableObjectAlarm(stub)
    expect((await stub.snapshot())!.state.runs[1]).toMatchObject({ reason: 'step_removed' })
  })
})
