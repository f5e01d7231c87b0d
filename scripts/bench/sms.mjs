// Inbound SMS acknowledgement (issue 14, Must-have 2): Twilio's webhook keeps the text in the
// sender's contact object and answers <Response/>; the reply is written afterwards. 50 texts in
// flight from 50 senders, against the bare Worker's route at 50 in flight, same generator; and
// the per-cart floor at 50 in flight on one object per sender (a row and an alarm per request,
// the least an acknowledgement that keeps the text durably in the sender's object can do).
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import twilio from 'twilio'
import { startCartback } from './cartback.mjs'
import { startAll, startFloor } from './floor.mjs'
import { points, round, runLoad, summarize, warm } from './load.mjs'

const IN_FLIGHT = 50

export async function smsBench({ quick = false } = {}) {
  const { durationMs, reps } = points(quick)
  const [floor, app] = await startAll([startFloor, () => startCartback()])
  try {
    const store = await app.createStore('Bench SMS', {
      knowledgeBase: { shipping: 'We ship to Canada in 5-8 business days.' },
    })
    const hook = `${app.url}/webhooks/twilio/${store.id}`
    // Signed as Twilio signs, with Twilio's own library.
    const inbound = (i) => {
      const params = {
        MessageSid: `SM${randomBytes(16).toString('hex')}`,
        AccountSid: 'AC00000000000000000000000000000000',
        From: `+4479111${String(23000 + (i % IN_FLIGHT)).padStart(5, '0')}`,
        To: '+14155550000',
        Body: 'do you ship to Canada?',
      }
      return {
        path: hook,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-Twilio-Signature': twilio.getExpectedTwilioSignature(app.twilioToken, hook, params),
        },
        body: new URLSearchParams(params).toString(),
      }
    }
    const bare = () => ({
      path: '/bare',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: '+447911123000', body: 'do you ship to Canada?' }),
    })
    const perSender = (i) => ({
      path: '/floor',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ cart: `sender-${i % IN_FLIGHT}`, body: 'do you ship to Canada?' }),
    })
    await warm({ url: floor.url, count: 50, make: bare })
    await warm({ url: floor.url, count: 100, concurrency: IN_FLIGHT, make: perSender })
    await warm({ url: app.url, count: 100, concurrency: IN_FLIGHT, make: inbound })
    const runs = { bare: [], floor: [], ack: [] }
    for (let rep = 0; rep < reps; rep++) {
      runs.bare.push(
        await runLoad({ url: floor.url, concurrency: IN_FLIGHT, durationMs, make: bare }),
      )
      runs.floor.push(
        await runLoad({ url: floor.url, concurrency: IN_FLIGHT, durationMs, make: perSender }),
      )
      runs.ack.push(
        await runLoad({ url: app.url, concurrency: IN_FLIGHT, durationMs, make: inbound }),
      )
    }
    const p99Ratios = runs.ack.map((r, i) => r.p99Ms / runs.bare[i].p99Ms)
    const perRep = (a, b) => median(runs[a].map((r, i) => r.p99Ms / runs[b][i].p99Ms))
    const ack = summarize(runs.ack)
    const base = summarize(runs.bare)
    const floorRun = summarize(runs.floor)
    return {
      sms: {
        inFlight: IN_FLIGHT,
        ackP99RatioToBare: round(median(p99Ratios)),
        ackP99RatioSpread: {
          min: round(Math.min(...p99Ratios)),
          max: round(Math.max(...p99Ratios)),
        },
        ackP50RatioToBare: round(ack.p50Ms.median / base.p50Ms.median),
        // The floor's own p99 over the bare route's: what one object write per request costs
        // here, before any of Cartback's work; and the acknowledgement's over the floor's.
        floorP99RatioToBare: round(perRep('floor', 'bare')),
        ackP99RatioToFloor: round(perRep('ack', 'floor')),
        errors: ack.errors + base.errors + floorRun.errors,
        ack,
        bare: base,
        floor: floorRun,
      },
    }
  } finally {
    await Promise.all([floor.stop(), app.stop()])
  }
}

function median(values) {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

export default smsBench

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await smsBench({ quick: process.argv.includes('--quick') })
  console.log(JSON.stringify(result, null, 2))
}
