import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { abandonedCart } from '#test/carts'
import { api, createStore, errorOf, oneEmailStore, waitForRow } from '#test/helpers'
import { bodies, deliver, endpointFor, receiver, setClock } from '#test/webhooks'
import { GIVE_UP_AFTER_MS } from '../../domain/webhook/retry'

type Attempts = {
  attempts: { eventId: string; at: string; status: number | null; ok: boolean; trigger: string }[]
}
const attemptsOf = async (storeId: string, id: string) =>
  ((await (await api(`/stores/${storeId}/webhooks/${id}/attempts`)).json()) as Attempts).attempts
const endpoint = async (storeId: string, id: string) =>
  (await (await api(`/stores/${storeId}/webhooks/${id}`)).json()) as Record<string, unknown>

describe('webhook endpoints API', () => {
  it('creates an endpoint with a whsec_ secret shown once, lists, changes and deletes it', async () => {
    const store = await createStore()
    const res = await api(`/stores/${store.id}/webhooks`, {
      method: 'POST',
      json: {
        url: 'https://hooks.example/cartback',
        events: ['cart.lost', 'cart.abandoned'],
        description: 'CRM',
      },
    })
    expect(res.status).toBe(201)
    const created = (await res.json()) as Record<string, unknown>
    expect(created).toMatchObject({
      url: 'https://hooks.example/cartback',
      events: ['cart.abandoned', 'cart.lost'],
      description: 'CRM',
      includeContact: false,
      status: 'enabled',
    })
    expect(created.id).toMatch(/^we_/)
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    const list = (await (await api(`/stores/${store.id}/webhooks`)).json()) as {
      webhooks: unknown[]
    }
    expect(list.webhooks).toHaveLength(1)
    expect(JSON.stringify(list)).not.toContain(String(created.secret).slice(6, 20))
    const row = await env.DB.prepare('SELECT secret_box FROM webhook_endpoints WHERE id = ?')
      .bind(created.id)
      .first<{ secret_box: string }>()
    expect(row?.secret_box).toMatch(/^v2\./)
    const patched = await api(`/stores/${store.id}/webhooks/${created.id}`, {
      method: 'PATCH',
      json: { enabled: false, includeContact: true },
    })
    expect(await patched.json()).toMatchObject({
      status: 'disabled',
      disabledReason: 'merchant',
      includeContact: true,
    })
    expect(
      (await api(`/stores/${store.id}/webhooks/${created.id}`, { method: 'DELETE' })).status,
    ).toBe(204)
    expect((await api(`/stores/${store.id}/webhooks/${created.id}`)).status).toBe(404)
    expect(
      (await api(`/stores/${store.id}/webhooks/${created.id}`, { method: 'DELETE' })).status,
    ).toBe(404)
  })

  it.each([
    [{ url: 'http://hooks.example/x', events: ['cart.lost'] }, /only to localhost/],
    [{ url: 'ftp://hooks.example/x', events: ['cart.lost'] }, /https/],
    [{ url: 'https://hooks.example/x', events: [] }, /at least one/],
    [{ url: 'https://hooks.example/x', events: ['cart.exploded'] }, /events/],
    [{ events: ['cart.lost'] }, /url/],
    [{ url: 'https://hooks.example/x', events: ['cart.lost'], secret: 'whsec_x' }, /secret/],
  ])('refuses %j with a 400 that says why, creating nothing', async (body, why) => {
    const store = await createStore()
    const res = await api(`/stores/${store.id}/webhooks`, { method: 'POST', json: body })
    expect(res.status).toBe(400)
    expect((await errorOf(res)).message).toMatch(why)
    const list = (await (await api(`/stores/${store.id}/webhooks`)).json()) as {
      webhooks: unknown[]
    }
    expect(list.webhooks).toEqual([])
  })

  it('refuses a 21st endpoint with 409', async () => {
    const store = await createStore()
    for (let i = 0; i < 20; i++) {
      const r = await api(`/stores/${store.id}/webhooks`, {
        method: 'POST',
        json: { url: `https://hooks.example/${i}`, events: ['cart.lost'] },
      })
      expect(r.status).toBe(201)
    }
    const res = await api(`/stores/${store.id}/webhooks`, {
      method: 'POST',
      json: { url: 'https://hooks.example/21', events: ['cart.lost'] },
    })
    expect(res.status).toBe(409)
  })

  it('rotates the secret: both sign for 24 h, then only the new one', async () => {
    const store = await createStore({ settings: oneEmailStore() })
    const e = await endpointFor(store, ['cart.abandoned'])
    const rotated = await api(`/stores/${store.id}/webhooks/${e.id}/rotate-secret`, {
      method: 'POST',
    })
    const { secret, previousSecretUntil } = (await rotated.json()) as {
      secret: string
      previousSecretUntil: string
    }
    expect(secret).not.toBe(e.secret)
    expect(Date.parse(previousSecretUntil) - Date.now()).toBeGreaterThan(23.9 * 3_600_000)
    await abandonedCart(store)
    await deliver(e.stub)
    const during = (await e.receiver.got())[0]
    expect(during?.verified).toBe(true)
    expect(during?.signature.split(' ')).toHaveLength(2)
    // A receiver that has the new secret only verifies too.
    const fresh = receiver()
    await fresh.control({ secret })
    await api(`/stores/${store.id}/webhooks/${e.id}`, { method: 'PATCH', json: { url: fresh.url } })
    await api(`/stores/${store.id}/webhooks/${e.id}/redeliver`, {
      method: 'POST',
      json: { eventId: during?.id },
    })
    await deliver(e.stub)
    expect((await fresh.got()).map((g) => g.verified)).toEqual([true])
  })

  it('sends a test event on request, logged as a test', async () => {
    const store = await createStore()
    const e = await endpointFor(store, ['cart.lost'])
    const res = await api(`/stores/${store.id}/webhooks/${e.id}/test`, { method: 'POST' })
    expect(res.status).toBe(200)
    const { attempt } = (await res.json()) as { attempt: Record<string, unknown> }
    expect(attempt).toMatchObject({
      status: 200,
      ok: true,
      trigger: 'test',
      eventType: 'webhook.test',
      response: 'ok',
    })
    const got = await e.receiver.got()
    expect(got.map((g) => g.verified)).toEqual([true])
    expect(bodies(got)[0]).toMatchObject({ type: 'webhook.test', storeId: store.id })
  })

  it('redelivers one event, or everything since a time; 404 for an event it never had', async () => {
    const store = await createStore({ settings: oneEmailStore() })
    const e = await endpointFor(store, ['cart.abandoned', 'message.sent'])
    const before = new Date(Date.now() - 1000).toISOString()
    await abandonedCart(store)
    await deliver(e.stub)
    const first = await e.receiver.got()
    expect(first).toHaveLength(2)
    const one = await api(`/stores/${store.id}/webhooks/${e.id}/redeliver`, {
      method: 'POST',
      json: { eventId: first[1]?.id },
    })
    expect(one.status).toBe(202)
    expect(await one.json()).toEqual({ queued: 1 })
    await deliver(e.stub)
    const all = await api(`/stores/${store.id}/webhooks/${e.id}/redeliver`, {
      method: 'POST',
      json: { since: before },
    })
    expect(await all.json()).toEqual({ queued: 2 })
    await deliver(e.stub)
    const got = await e.receiver.got()
    expect(got.map((g) => g.id)).toEqual([
      first[0]?.id,
      first[1]?.id,
      first[1]?.id,
      first[0]?.id,
      first[1]?.id,
    ])
    const triggers = (await attemptsOf(store.id, e.id)).map((a) => a.trigger)
    expect(triggers).toEqual(['redeliver', 'redeliver', 'redeliver', 'event', 'event'])
    const missing = await api(`/stores/${store.id}/webhooks/${e.id}/redeliver`, {
      method: 'POST',
      json: { eventId: 'evt_nope' },
    })
    expect(missing.status).toBe(404)
    const bad = await api(`/stores/${store.id}/webhooks/${e.id}/redeliver`, {
      method: 'POST',
      json: { since: 'yesterday' },
    })
    expect(bad.status).toBe(400)
  })

  it('disables the endpoint on a 410 and tells the owner by email', async () => {
    const store = await createStore({ settings: oneEmailStore() })
    const e = await endpointFor(store, ['cart.abandoned', 'message.sent'])
    await e.receiver.control({ script: [{ status: 410, body: 'gone' }] })
    await abandonedCart(store)
    await deliver(e.stub)
    expect((await e.receiver.got()).length).toBe(1)
    expect(await endpoint(store.id, e.id)).toMatchObject({
      status: 'disabled',
      disabledReason: 'gone',
    })
    const notice = await waitForRow<{ to: string; subject: string }>(
      `SELECT "to", subject FROM messages WHERE store_id = ? AND step_id = 'webhook_disabled'`,
      store.id,
    )
    expect(notice).toMatchObject({ to: 'owner@example.com' })
    expect(notice?.subject).toMatch(/webhook endpoint was disabled/)
    const events = (await (await api(`/stores/${store.id}/webhooks/${e.id}/events`)).json()) as {
      events: { state: string }[]
    }
    expect(events.events.map((x) => x.state)).toEqual(['failed', 'failed'])
  })

  it('disables an endpoint that failed every delivery for three days', async () => {
    const store = await createStore({ settings: oneEmailStore() })
    const e = await endpointFor(store, ['cart.abandoned'])
    await e.receiver.control({ script: Array(40).fill({ status: 500 }) })
    // The object's clock is set before the first delivery, which the runtime's own alarm may
    // make before the test asks for it: every attempt is then on the test's clock.
    const t0 = Date.now()
    await setClock(e.stub, t0)
    await abandonedCart(store)
    let at = t0
    for (let i = 0; i < 40 && (await endpoint(store.id, e.id)).status === 'enabled'; i++) {
      await setClock(e.stub, at)
      await deliver(e.stub)
      at += 12 * 3_600_000
    }
    const disabled = await endpoint(store.id, e.id)
    const attempts = await attemptsOf(store.id, e.id)
    expect(disabled, JSON.stringify(attempts)).toMatchObject({
      status: 'disabled',
      disabledReason: 'failing',
    })
    // Not before three days of failure, and at the first try after them.
    const first = Date.parse(String(attempts.at(-1)?.at))
    const after = Date.parse(String(disabled.disabledAt)) - first
    expect(after).toBeGreaterThanOrEqual(GIVE_UP_AFTER_MS)
    expect(after).toBeLessThanOrEqual(GIVE_UP_AFTER_MS + 12 * 3_600_000)
    expect(attempts.every((a) => a.status === 500)).toBe(true)
    expect(attempts.length).toBeGreaterThanOrEqual(6)
    expect(at - t0).toBeGreaterThanOrEqual(GIVE_UP_AFTER_MS)
    // Events made while disabled are kept, not sent, for a later redelivery.
    await abandonedCart(store)
    expect(await deliver(e.stub)).toBe(false)
    const held = (await (await api(`/stores/${store.id}/webhooks/${e.id}/events`)).json()) as {
      events: { state: string }[]
    }
    expect(held.events.map((x) => x.state)).toEqual(['failed', 'failed'])
  })

  it('forgets the events that name a person when the merchant erases them', async () => {
    const store = await createStore({ settings: oneEmailStore() })
    const e = await endpointFor(store, ['cart.abandoned', 'message.sent'], { includeContact: true })
    const { id } = await abandonedCart(store, { email: 'erase.me@example.com' })
    await abandonedCart(store, { email: 'keep.me@example.com' })
    await deliver(e.stub)
    // The erasure finds the person's carts in D1, which the reporting queue fills.
    await waitForRow(
      "SELECT 1 FROM carts WHERE store_id = ? AND email = 'erase.me@example.com'",
      store.id,
    )
    const res = await api(`/stores/${store.id}/privacy/erase`, {
      method: 'POST',
      json: { email: 'erase.me@example.com' },
    })
    expect(await res.json()).toMatchObject({ erased: { carts: 1, webhookEvents: 2 } })
    const held = (await (await api(`/stores/${store.id}/webhooks/${e.id}/events`)).json()) as {
      events: { id: string }[]
      counts: Record<string, number>
    }
    expect(held.counts).toEqual({ pending: 0, delivered: 2, failed: 0 })
    const got = await e.receiver.got()
    const kept = new Set(held.events.map((x) => x.id))
    for (const g of got) expect(kept.has(g.id)).toBe(!g.body.includes(id))
  })

  it('lets one of two rotations at once win; the other is a 409 and its secret was never kept', async () => {
    const store = await createStore({ settings: oneEmailStore() })
    const e = await endpointFor(store, ['cart.abandoned'])
    const rotate = () =>
      api(`/stores/${store.id}/webhooks/${e.id}/rotate-secret`, { method: 'POST' })
    const answers = await Promise.all([rotate(), rotate(), rotate()])
    const ok = answers.filter((r) => r.status === 200)
    expect(ok.length).toBeGreaterThanOrEqual(1)
    expect(answers.every((r) => r.status === 200 || r.status === 409)).toBe(true)
    const secrets = await Promise.all(
      ok.map(async (r) => ((await r.json()) as { secret: string }).secret),
    )
    // The last secret stored is one an answer showed: a receiver holding it verifies.
    const fresh = receiver()
    await fresh.control({ secret: secrets.at(-1) })
    await api(`/stores/${store.id}/webhooks/${e.id}`, { method: 'PATCH', json: { url: fresh.url } })
    await abandonedCart(store)
    await deliver(e.stub)
    expect((await fresh.got()).map((g) => g.verified)).toEqual([true])
  })

  it('refuses to redeliver for a disabled endpoint, then replays once it is enabled', async () => {
    const store = await createStore({ settings: oneEmailStore() })
    const e = await endpointFor(store, ['cart.abandoned'])
    await api(`/stores/${store.id}/webhooks/${e.id}`, { method: 'PATCH', json: { enabled: false } })
    await abandonedCart(store)
    expect(await deliver(e.stub)).toBe(false)
    const since = { since: new Date(Date.now() - 60_000).toISOString() }
    const refused = await api(`/stores/${store.id}/webhooks/${e.id}/redeliver`, {
      method: 'POST',
      json: since,
    })
    expect(refused.status).toBe(409)
    await api(`/stores/${store.id}/webhooks/${e.id}`, { method: 'PATCH', json: { enabled: true } })
    const res = await api(`/stores/${store.id}/webhooks/${e.id}/redeliver`, {
      method: 'POST',
      json: since,
    })
    expect(await res.json()).toEqual({ queued: 1 })
    await deliver(e.stub)
    expect(bodies(await e.receiver.got()).map((b) => b.type)).toEqual(['cart.abandoned'])
  })

  it('starts the failure clock afresh after a disable, an enable and a redelivery', async () => {
    const store = await createStore({ settings: oneEmailStore() })
    const e = await endpointFor(store, ['cart.abandoned'])
    await e.receiver.control({ script: Array(8).fill({ status: 500 }) })
    await abandonedCart(store)
    const t0 = Date.now()
    for (let at = t0; at < t0 + 2 * 86_400_000; at += 12 * 3_600_000) {
      await setClock(e.stub, at)
      await deliver(e.stub)
    }
    await api(`/stores/${store.id}/webhooks/${e.id}`, { method: 'PATCH', json: { enabled: false } })
    await setClock(e.stub, t0 + 4 * 86_400_000)
    await deliver(e.stub)
    await api(`/stores/${store.id}/webhooks/${e.id}`, { method: 'PATCH', json: { enabled: true } })
    await api(`/stores/${store.id}/webhooks/${e.id}/redeliver`, {
      method: 'POST',
      json: { since: new Date(t0 - 60_000).toISOString() },
    })
    await deliver(e.stub)
    // One more failure four days after the first is not three days of failure.
    expect(await endpoint(store.id, e.id)).toMatchObject({ status: 'enabled' })
  })

  it('leaves nothing pending behind a 410 answered while other carts were in flight', async () => {
    const store = await createStore({ settings: oneEmailStore() })
    const e = await endpointFor(store, ['cart.abandoned'])
    await e.receiver.control({
      script: [{ status: 410 }, { status: 500, delayMs: 300 }, { status: 500, delayMs: 300 }],
    })
    await abandonedCart(store, { email: 'a@example.com' })
    await abandonedCart(store, { email: 'b@example.com' })
    await abandonedCart(store, { email: 'c@example.com' })
    await deliver(e.stub)
    const held = (await (await api(`/stores/${store.id}/webhooks/${e.id}/events`)).json()) as {
      counts: Record<string, number>
    }
    expect(held.counts).toEqual({ pending: 0, delivered: 0, failed: 3 })
    expect(await deliver(e.stub)).toBe(false)
  })
})
