import { describe, expect, it } from 'vitest'
import { call, errorOf, ORIGIN } from '#test/helpers'

describe('API authentication', () => {
  it.each([
    ['no header', {}],
    ['a wrong token', { Authorization: 'Bearer nope-nope-nope-nope' }],
    ['another scheme', { Authorization: 'Basic dGVzdC1hZG1pbi10b2tlbg==' }],
  ])('refuses %s with 401', async (_n, headers) => {
    const res = await call('/api/v1/stores', { headers })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('Bearer')
    expect((await errorOf(res)).code).toBe('UNAUTHORIZED')
  })

  it.each([
    ['no header', {}],
    ['a wrong token', { Authorization: 'Bearer cb_live_nope-nope-nope-nope' }],
    ['a malformed header', { Authorization: 'Bearer not a token' }],
    ['the scheme alone', { Authorization: 'Bearer' }],
  ])('says %s the same way: 401, one challenge, our envelope', async (_n, headers) => {
    const res = await call('/api/v1/stores', { headers })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="cartback"')
    const error = await errorOf(res)
    expect(error).toEqual({
      code: 'UNAUTHORIZED',
      message: 'Missing or invalid API token.',
      requestId: res.headers.get('x-request-id'),
    })
    expect(error.requestId).toMatch(/^req_/)
  })
})

describe('unknown routes', () => {
  it('answer 404 with the JSON envelope', async () => {
    const res = await call('/nope')
    expect(res.status).toBe(404)
    expect((await errorOf(res)).code).toBe('NOT_FOUND')
    void ORIGIN
  })
})
