import { fakeServer, json } from './http'

/**
 * A local stand-in for Resend's POST /emails. The recipient picks the answer: "ratelimit@"
 * → 429, "invalid@" → 422, "down@" → 500; otherwise 200 with an id that repeats for a repeated
 * Idempotency-Key, as Resend's does, and 409 for that key with another payload.
 */
export async function fakeResend(apiKey = 're_test_key') {
  const ids = new Map<string, string>()
  const bodies = new Map<string, string>()
  let n = 0
  return fakeServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return json(res, 401, {
        statusCode: 401,
        name: 'missing_api_key',
        message: 'Missing API key',
      })
    }
    if (req.method !== 'POST' || req.path !== '/emails')
      return json(res, 404, { statusCode: 404, name: 'not_found', message: 'Not found' })
    const body = JSON.parse(req.body) as { to: string | string[] }
    const to = String(Array.isArray(body.to) ? body.to[0] : body.to)
    if (to.startsWith('ratelimit@'))
      return json(res, 429, {
        statusCode: 429,
        name: 'rate_limit_exceeded',
        message: 'Too many requests',
      })
    if (to.startsWith('invalid@'))
      return json(res, 422, {
        statusCode: 422,
        name: 'validation_error',
        message: 'Invalid `to` field',
      })
    if (to.startsWith('down@'))
      return json(res, 500, { statusCode: 500, name: 'internal_server_error', message: 'Oops' })
    const key = String(req.headers['idempotency-key'] ?? `none-${n}`)
    // Resend keeps a key's request for 24 h: the same key with another payload is refused
    // (409 invalid_idempotent_request, as resend-node's error names list it).
    const seen = bodies.get(key)
    if (seen !== undefined && seen !== req.body)
      return json(res, 409, {
        statusCode: 409,
        name: 'invalid_idempotent_request',
        message: 'Same idempotency key used with a different request payload.',
      })
    bodies.set(key, req.body)
    if (!ids.has(key)) ids.set(key, `re_${++n}`)
    return json(res, 200, { id: ids.get(key) })
  })
}
