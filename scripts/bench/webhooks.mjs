// Outbound webhooks against the beacon path (issue 16): 1,000 events queued for a slow receiver
// (it answers each delivery after RECEIVER_DELAY_MS) must not slow the storefront's beacons. One
// Cartback: the beacon load (new carts of a store with webhooks) first with no backlog, the
// baseline, then again while another store's endpoint object works through its 1,000 events;
// same generator. Reported as ratios to the baseline.
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'
import { beacon, newCart } from './beacon.mjs'
import { SHOP, startCartback } from './cartback.mjs'
import { points, round, runLoad, summarize, warm } from './load.mjs'

const CLIENTS = 16
const CARTS = 500 // each makes cart.abandoned and message.sent: 1,000 events
const EVENTS = 2 * CARTS
const RECEIVER_DELAY_MS = 1_000
const ALL_TYPES = [
  'cart.abandoned',
  'cart.restored',
  'cart.recovered',
  'cart.converted',
  'cart.lost',
  'message.sent',
  'message.failed',
  'contact.opted_out',
  'contact.opted_in',
  'sms.reply_received',
  'sms.handoff',
]

/** A receiver that takes every delivery and answers 200 after `delayMs`. */
async function slowReceiver(delayMs) {
  let received = 0
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      received++
      setTimeout(() => res.writeHead(200).end('ok'), delayMs)
    })
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    received: () => received,
    close: () =>
      new Promise((r) => {
        server.close(() => r())
        server.closeAllConnections()
      }),
  }
}

const contactBeacon = (store, i) => ({
  path: '/v1/events',
  headers: { 'Content-Type': 'text/plain', Origin: SHOP },
  body: JSON.stringify({
    store: store.publishableKey,
    cart: newCart(),
    type: 'contact',
    items: [{ id: 'sku', name: 'Tee', price: 2400, quantity: 1 }],
    contact: { email: `bench${i}@example.com` },
  }),
})

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

export async function webhooksBench({ quick = false } = {}) {
  const { durationMs, reps } = points(quick)
  const receiver = await slowReceiver(RECEIVER_DELAY_MS)
  const app = await startCartback()
  try {
    const store = await app.createStore('Bench webhooks', {
      inactivitySeconds: 2,
      sender: { fromEmail: 'shop@bench.example', postalAddress: '1 Market St, San Francisco, CA' },
      sequence: [
        {
          id: 'e1',
          channel: 'email',
          delaySeconds: 0,
          windowSeconds: 3600,
          template: { subject: 'Your cart', heading: 'Hi', body: 'It waits.', buttonLabel: 'Back' },
        },
      ],
    })
    const endpoint = await app.api(`/stores/${store.id}/webhooks`, {
      method: 'POST',
      body: JSON.stringify({ url: receiver.url, events: ['cart.abandoned', 'message.sent'] }),
    })
    // The beacon load goes to a second store whose endpoint takes every event type (so beacons
    // run the path a store with webhooks runs) and whose carts do not abandon during the bench.
    const shop = await app.createStore('Bench webhooks, beacons')
    await app.api(`/stores/${shop.id}/webhooks`, {
      method: 'POST',
      body: JSON.stringify({ url: receiver.url, events: ALL_TYPES }),
    })
    const counts = async () =>
      (await app.api(`/stores/${store.id}/webhooks/${endpoint.id}/events?limit=1`)).counts
    const load = () =>
      runLoad({
        url: app.url,
        concurrency: CLIENTS,
        durationMs,
        make: (i) => beacon(shop, newCart(), i),
      })
    await warm({
      url: app.url,
      count: 200,
      concurrency: CLIENTS,
      make: (i) => beacon(shop, newCart(), i),
    })
    const base = []
    for (let rep = 0; rep < reps; rep++) base.push(await load())

    // The backlog: CARTS carts with an email, abandoned 2 s later, each sends its email.
    await warm({
      url: app.url,
      count: CARTS,
      concurrency: CLIENTS,
      make: (i) => contactBeacon(store, i),
    })
    let held = await counts()
    const deadline = Date.now() + 180_000
    while (held.pending + held.delivered + held.failed < EVENTS && Date.now() < deadline) {
      await sleep(500)
      held = await counts()
    }
    const atStart = held
    const during = []
    for (let rep = 0; rep < reps; rep++) during.push(await load())
    const atEnd = await counts()

    const b = summarize(base)
    const d = summarize(during)
    const ratio = (x, y) => (Number.isFinite(x / y) ? round(x / y) : null)
    return {
      webhooks: {
        events: EVENTS,
        receiverDelayMs: RECEIVER_DELAY_MS,
        backlogCarts: CARTS,
        backlogAtStart: atStart,
        backlogAtEnd: atEnd,
        receivedByReceiver: receiver.received(),
        beaconBaseline: b,
        beaconDuringBacklog: d,
        p50RatioToBaseline: ratio(d.p50Ms.median, b.p50Ms.median),
        p99RatioToBaseline: ratio(d.p99Ms.median, b.p99Ms.median),
        rpsRatioToBaseline: ratio(d.rps.median, b.rps.median),
        // The backlog was there for the whole measurement; the bench says so if it was not.
        errors:
          (atStart.pending + atStart.delivered + atStart.failed < EVENTS ? 1 : 0) +
          (atEnd.pending === 0 ? 1 : 0) +
          base.reduce((n, r) => n + r.errors, 0) +
          during.reduce((n, r) => n + r.errors, 0),
      },
    }
  } finally {
    await app.stop()
    await receiver.close()
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(
    JSON.stringify(await webhooksBench({ quick: process.argv.includes('--quick') }), null, 2),
  )
}
