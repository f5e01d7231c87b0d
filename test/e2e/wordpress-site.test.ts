// The plugin's zip in a real WordPress (Debian's package, on MariaDB, served by `php -S`), as a
// merchant installs it: upload, activate, paste the Cartback URL and a connect code. Cartback
// runs as `npm start` runs it (test/worker.ts). WooCommerce is a stand-in
// (test/wordpress/woocommerce/, its header says what it is and is not).
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, shot } from '../browser'
import { hasWordPress, type Site, startWordPress } from '../wordpress/site'
import { startWorker, type Worker } from '../worker'

const root = join(import.meta.dirname, '..', '..')

// CI installs WordPress and MariaDB (.ci/run); only a developer's machine without them may skip.
if (!hasWordPress && process.env.CI === 'true')
  throw new Error('WordPress/MariaDB are not installed: .ci/run installs them')
if (!hasWordPress) console.warn('wordpress-site.test: Debian WordPress/MariaDB missing, skipped')

type Store = { id: string; publishableKey: string; allowedOrigins: string[] }

let worker: Worker
let site: Site
let browser: Browser
let page: Page
let store: Store

beforeAll(async () => {
  if (!hasWordPress) return
  execFileSync('node', [join(root, 'scripts/build-plugin.mjs')], { stdio: 'ignore' })
  ;[worker, site, browser] = await Promise.all([startWorker(), startWordPress(), launchChromium()])
  const created = await worker.api<Store>('/stores', {
    method: 'POST',
    body: JSON.stringify({
      name: 'Harbor Goods',
      url: `${site.url}/`,
      currency: 'USD',
      allowedOrigins: [],
    }),
  })
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  store = created.body
  page = await browser.newPage()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await Promise.all([worker?.stop(), site?.stop()])
})

async function logIn() {
  await page.goto(`${site.url}/wp-login.php`)
  await page.fill('#user_login', site.admin.user)
  await page.fill('#user_pass', site.admin.password)
  await Promise.all([page.waitForURL(/wp-admin/), page.click('#wp-submit')])
}

describe.skipIf(!hasWordPress)('the plugin zip in a real WordPress', () => {
  it('installs from the zip through Plugins → Add New → Upload, and activates', async () => {
    await logIn()
    await page.goto(`${site.url}/wp-admin/plugin-install.php?tab=upload`)
    await page.setInputFiles('#pluginzip', join(root, 'dist/cartback-woocommerce.zip'))
    await Promise.all([page.waitForLoadState(), page.click('#install-plugin-submit')])
    expect(await page.textContent('body')).toContain('Plugin installed successfully.')
    await Promise.all([page.waitForURL(/plugins\.php/), page.getByText('Activate Plugin').click()])
    expect(await page.textContent('#message')).toContain('Plugin activated.')
    const active = site.json<string[]>("echo wp_json_encode( get_option( 'active_plugins' ) );")
    expect(active).toContain('cartback/cartback.php')
    // Declared to WooCommerce before it initialises (FeaturesUtil::declare_compatibility).
    const declared = site.json<Record<string, Record<string, boolean>>>(
      'echo wp_json_encode( \\Automattic\\WooCommerce\\Utilities\\FeaturesUtil::declarations() );',
    )
    expect(declared.custom_order_tables?.['cartback/cartback.php']).toBe(true)
    expect(declared.cart_checkout_blocks?.['cartback/cartback.php']).toBe(true)
  })
})
