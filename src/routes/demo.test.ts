import { describe, expect, it } from 'vitest'
import { DEV_ONLY_ROUTES } from '#test/dev-routes'
import { call } from '#test/helpers'
import { createApp } from '../app'

describe('dev-only routes', () => {
  it('are exactly the demo routes the shipped-config test checks', () => {
    const served = createApp()
      .routes.filter((r) => r.path.startsWith('/demo') && r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path}`)
    const listed = new Set(DEV_ONLY_ROUTES.map((r) => `${r.method} ${r.pattern}`))
    expect(served.length).toBeGreaterThan(0)
    expect(served.filter((r) => !listed.has(r))).toEqual([])
  })

  it.each(DEV_ONLY_ROUTES)('answer 404 outside development: $method $path', async (route) => {
    const res = await call(route.path, {
      method: route.method,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      ...(route.method === 'POST' ? { body: 'store=st_x&phone=%2B14155552671&text=STOP' } : {}),
    })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } })
  })
})
