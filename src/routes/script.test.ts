import { describe, expect, it } from 'vitest'
import { call } from '../../test/helpers'
import { CARTBACK_VERSION } from '../storefront/bundle.generated'

describe('GET /v1/cartback.js', () => {
  it('serves the script for any origin, cached briefly at the bare URL', async () => {
    const res = await call('/v1/cartback.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(res.headers.get('cache-control')).toBe(
      'public, max-age=300, stale-while-revalidate=86400',
    )
    expect(res.headers.get('etag')).toBe(`"${CARTBACK_VERSION}"`)
    expect(await res.text()).toContain(CARTBACK_VERSION)
  })

  it('caches the versioned URL for a year and answers a matching ETag with 304', async () => {
    const res = await call(`/v1/cartback.js?v=${CARTBACK_VERSION}`)
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const again = await call('/v1/cartback.js', {
      headers: { 'If-None-Match': `"${CARTBACK_VERSION}"` },
    })
    expect(again.status).toBe(304)
  })
})
