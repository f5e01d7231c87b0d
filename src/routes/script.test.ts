import { describe, expect, it } from 'vitest'
import { call } from '#test/helpers'
import { CARTBACK_VERSION, SCRIPTS } from '../storefront/bundle.generated'

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

describe('the optional parts', () => {
  it('serves the popup and the restore scripts at the versions the core script names', async () => {
    const core = await (await call('/v1/cartback.js')).text()
    for (const name of ['cartback-popup.js', 'cartback-restore.js', 'cartback-woo.js']) {
      const { version } = SCRIPTS[name] as { version: string }
      expect(core).toContain(`${name.replace('.js', '')}`)
      expect(core).toContain(version)
      const res = await call(`/v1/${name}?v=${version}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect(res.headers.get('etag')).toBe(`"${version}"`)
    }
  })

  it('answers 404 for a script it does not have', async () => {
    expect((await call('/v1/cartback-admin.js')).status).toBe(404)
  })
})
