import { describe, expect, it } from 'vitest'
// @ts-expect-error plain ESM build script
import { BUDGET_GZIP_BYTES, buildStorefront } from '../../scripts/build-storefront.mjs'

describe('cartback.js', () => {
  it('stays within 3 KB gzipped, with no eval and its version stamped in', async () => {
    const { code, gzip, version } = await buildStorefront()
    expect(gzip).toBeLessThanOrEqual(BUDGET_GZIP_BYTES)
    expect(code).not.toMatch(/\beval\(|new Function\(/)
    expect(code).toContain(version)
    expect(code).not.toContain('__VERSION__')
  })
})
