import { describe, expect, it } from 'vitest'
import {
  BUDGET_GZIP_BYTES,
  buildStorefront,
  EXTRA_BUDGET_GZIP_BYTES,
  // @ts-expect-error plain ESM build script
} from '../../scripts/build-storefront.mjs'

type Bundle = { code: string; version: string; gzip: number }

describe('cartback.js', () => {
  it('stays within 3 KB gzipped, with no eval and its version stamped in', async () => {
    const { code, gzip, version } = await buildStorefront()
    expect(gzip).toBeLessThanOrEqual(BUDGET_GZIP_BYTES)
    expect(code).not.toMatch(/\beval\(|new Function\(/)
    expect(code).toContain(version)
    expect(code).not.toMatch(/__[A-Z_]+VERSION__/)
  })

  it('keeps the popup, the restore and WooCommerce out of the core, each within its own budget', async () => {
    const { code, extras } = (await buildStorefront()) as {
      code: string
      extras: Record<string, Bundle>
    }
    expect(Object.keys(extras).sort()).toEqual([
      'cartback-popup.js',
      'cartback-restore.js',
      'cartback-woo.js',
    ])
    for (const [name, b] of Object.entries(extras)) {
      expect(b.gzip, name).toBeLessThanOrEqual(EXTRA_BUDGET_GZIP_BYTES)
      expect(b.code).not.toMatch(/\beval\(|new Function\(/)
      // The core loads each part by its immutable version.
      expect(code).toContain(b.version)
    }
    expect(code).not.toContain('aria-modal')
    expect(code).not.toContain('apply-coupon')
    expect(code).not.toContain('wc-blocks')
  })
})
