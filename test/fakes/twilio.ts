import { fakeServer, json } from './http'

/** An account the fake always answers 429 (Too Many Requests), for any recipient. */
export const RATE_LIMITED_ACCOUNT = 'AC00000000000000000000000000000429'

/**
 * A local stand-in for Twilio's POST /2010-04-01/Accounts/{sid}/Messages.json. "To" picks the
 * answer: +15005550001 → 400 (21211 invalid number), +15005550009 → 503, +15005550029 → 429; otherwise 201 queued.
 * Account `RATE_LIMITED_ACCOUNT` (same token) is answered 429 whatever the number.
 */
export async function fakeTwilio(
  accountSid = 'AC00000000000000000000000000000001',
  authToken = 'twilio-token',
) {
  let n = 0
  return fakeServer((req, res) => {
    const limited = `Basic ${Buffer.from(`${RATE_LIMITED_ACCOUNT}:${authToken}`).toString('base64')}`
    if (
      req.headers.authorization === limited &&
      req.path === `/2010-04-01/Accounts/${RATE_LIMITED_ACCOUNT}/Messages.json`
    )
      return json(res, 429, { code: 20429, message: 'Too Many Requests', status: 429 })
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`
    if (req.headers.authorization !== expected)
      return json(res, 401, { code: 20003, message: 'Authenticate', status: 401 })
    if (req.method !== 'POST' || req.path !== `/2010-04-01/Accounts/${accountSid}/Messages.json`) {
      return json(res, 404, { code: 20404, message: 'Not found', status: 404 })
    }
    const form = new URLSearchParams(req.body)
    const to = form.get('To')
    if (to === '+15005550001')
      return json(res, 400, {
        code: 21211,
        message: "The 'To' number is not a valid phone number.",
        status: 400,
      })
    if (to === '+15005550009')
      return json(res, 503, { code: 20503, message: 'Service unavailable', status: 503 })
    if (to === '+15005550029')
      return json(res, 429, { code: 20429, message: 'Too Many Requests', status: 429 })
    n++
    return json(res, 201, { sid: `SM${String(n).padStart(32, '0')}`, status: 'queued', to })
  })
}
