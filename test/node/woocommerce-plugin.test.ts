import { execFileSync, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { beforeAll, describe, expect, it } from 'vitest'

// The WordPress plugin (issue 13): syntax, the installable zip, the one-host rule, and the
// checkout code run by PHP against a small stand-in for WordPress and WooCommerce
// (test/php/checkout-harness.php). A real WordPress from Debian's package is a later step.

const root = new URL('../..', import.meta.url).pathname
const plugin = join(root, 'integrations/woocommerce/cartback')

function phpFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return phpFiles(path)
    return name.endsWith('.php') ? [path] : []
  })
}

const files = [...phpFiles(plugin), ...phpFiles(join(root, 'test/php'))]
const hasPhp = spawnSync('php', ['--version']).status === 0
// CI installs php (.ci/run); only a developer's machine without it may skip, and says why.
if (!hasPhp && process.env.CI === 'true')
  throw new Error('php is not installed: .ci/run installs php-cli')
const php = hasPhp ? it : it.skip
if (!hasPhp) console.warn('woocommerce-plugin.test: php is not installed here, PHP checks skipped')

describe('WooCommerce plugin: PHP', () => {
  php.each(files.map((f) => [f.slice(root.length)]))('%s has no syntax errors (php -l)', (file) => {
    const out = spawnSync('php', ['-l', join(root, file)], { encoding: 'utf8' })
    expect(out.stdout + out.stderr).toContain('No syntax errors detected')
    expect(out.status).toBe(0)
  })

  const run = (scenario: object) =>
    JSON.parse(
      execFileSync('php', [join(root, 'test/php/checkout-harness.php'), JSON.stringify(scenario)], {
        encoding: 'utf8',
      }),
    )
  const shopper = {
    options: { cartback_consent_text: 'Text me about my cart. Reply STOP to stop.' },
    cookies: { cartback_cart: 'Ab3_-defghijklmnopq' },
    order: { phone: '+15551234567', ip: '203.0.113.9', ua: 'Firefox/140' },
    server: { HTTP_REFERER: 'https://shop.example/checkout/' },
  }

  php(
    'classic checkout: the cart id and ticked consent with its evidence land on the order',
    () => {
      const before = Date.now() - 1000
      const { meta, fields } = run({
        ...shopper,
        checkout: 'classic',
        posted: { cartback_sms_consent: 1 },
      })
      expect(meta._cartback_cart).toBe('Ab3_-defghijklmnopq')
      const evidence = JSON.parse(meta._cartback_sms_consent)
      expect(evidence).toMatchObject({
        granted: true,
        text: 'Text me about my cart. Reply STOP to stop.',
        ip: '203.0.113.9',
        userAgent: 'Firefox/140',
        page: 'https://shop.example/checkout/',
        phone: '+15551234567',
      })
      expect(Date.parse(evidence.at)).toBeGreaterThanOrEqual(before)
      expect(fields.billing.cartback_sms_consent).toMatchObject({
        type: 'checkbox',
        required: false,
        default: 0,
        priority: 101,
      })
    },
  )

  php('classic checkout: an unticked box is recorded as not granted', () => {
    const { meta } = run({ ...shopper, checkout: 'classic', posted: { cartback_sms_consent: 0 } })
    expect(JSON.parse(meta._cartback_sms_consent).granted).toBe(false)
  })

  php('Blocks checkout: reads the additional field cartback/sms-consent from the request', () => {
    const ticked = run({
      ...shopper,
      checkout: 'blocks',
      request: { additional_fields: { 'cartback/sms-consent': true } },
    })
    expect(ticked.meta._cartback_cart).toBe('Ab3_-defghijklmnopq')
    expect(JSON.parse(ticked.meta._cartback_sms_consent)).toMatchObject({
      granted: true,
      phone: '+15551234567',
    })
    const absent = run({ ...shopper, checkout: 'blocks', request: {} })
    expect(JSON.parse(absent.meta._cartback_sms_consent).granted).toBe(false)
  })

  php('a malformed cookie is ignored, and no consent is recorded without a disclosure text', () => {
    const { meta, fields } = run({
      ...shopper,
      options: {},
      cookies: { cartback_cart: '"><script>' },
      checkout: 'classic',
      posted: { cartback_sms_consent: 1 },
    })
    expect(meta).toEqual([])
    expect(fields.billing.cartback_sms_consent).toBeUndefined()
  })
})

describe('WooCommerce plugin: the zip', () => {
  let zip: Record<string, string>
  const file = (name: string): string => {
    const text = zip[`cartback/${name}`]
    if (text === undefined) throw new Error(`${name} is not in the zip`)
    return text
  }
  beforeAll(() => {
    execFileSync('node', [join(root, 'scripts/build-plugin.mjs')])
    const raw = unzipSync(readFileSync(join(root, 'dist/cartback-woocommerce.zip')))
    zip = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, strFromU8(v)]))
  })

  it('holds the plugin folder cartback/ at its root, with the main file, readme, uninstall and .pot', () => {
    const names = Object.keys(zip)
    expect(names.every((n) => n.startsWith('cartback/'))).toBe(true)
    for (const f of ['cartback.php', 'readme.txt', 'uninstall.php', 'languages/cartback.pot']) {
      expect(names).toContain(`cartback/${f}`)
    }
  })

  const header = (text: string, field: string) =>
    new RegExp(`^[ \\t/*#]*${field}:[ \\t]*(.+)$`, 'm').exec(text)?.[1]?.trim() ?? ''

  it('has the plugin header WordPress and WooCommerce read', () => {
    const main = file('cartback.php')
    expect(header(main, 'Plugin Name')).toBe('Cartback for WooCommerce')
    expect(header(main, 'Version')).toBe('0.1.0')
    expect(header(main, 'Requires at least')).toBe('6.1')
    expect(header(main, 'Requires PHP')).toBe('7.4')
    expect(header(main, 'WC requires at least')).toBe('9.0')
    expect(header(main, 'WC tested up to')).toBe('11.0')
    expect(header(main, 'License')).toBe('GPL-2.0-or-later')
    expect(header(main, 'Text Domain')).toBe('cartback')
    expect(header(main, 'Domain Path')).toBe('/languages')
    expect(main).toMatch(/declare_compatibility\( 'custom_order_tables'/)
    expect(main).toMatch(/declare_compatibility\( 'cart_checkout_blocks'/)
  })

  it('has a readme.txt in WordPress.org format that agrees with the header', () => {
    const readme = file('readme.txt')
    const main = file('cartback.php')
    for (const f of ['Contributors', 'Tags', 'Tested up to', 'License']) {
      expect(header(readme, f), f).toBeTruthy()
    }
    expect(header(readme, 'Stable tag')).toBe(header(main, 'Version'))
    for (const f of [
      'Requires at least',
      'Requires PHP',
      'WC requires at least',
      'WC tested up to',
    ]) {
      expect(header(readme, f), f).toBe(header(main, f))
    }
    for (const s of ['Description', 'Installation', 'Frequently Asked Questions', 'Changelog']) {
      expect(readme).toContain(`== ${s} ==`)
    }
    expect(readme).toContain(`= ${header(main, 'Version')} =`)
  })

  it('uninstall.php runs only from WordPress and deletes every option the plugin writes', () => {
    const uninstall = file('uninstall.php')
    expect(uninstall).toMatch(/if \( ! defined\( 'WP_UNINSTALL_PLUGIN' \) \) \{\s*exit;/)
    expect(uninstall).toContain('Cartback_Options::delete_all()')
    const options = file('includes/class-cartback-options.php')
    const written = new Set(
      [
        ...Object.values(zip)
          .join('\n')
          .matchAll(/update_option\( Cartback_Options::(\w+)/g),
      ].map((m) => String(m[1])),
    )
    const all = /function all\(\) \{([\s\S]*?)\}/.exec(options)?.[1] ?? ''
    for (const name of written) expect(all, name).toContain(`self::${name}`)
  })

  it('uses the text domain cartback everywhere, and every string is in the .pot', () => {
    const pot = file('languages/cartback.pot')
    const calls =
      /\b(?:__|_e|esc_html__|esc_html_e|esc_attr__|esc_attr_e)\(\s*'((?:[^'\\]|\\.)*)'\s*,\s*'([^']*)'/g
    let count = 0
    for (const [name, text] of Object.entries(zip)) {
      if (!name.endsWith('.php')) continue
      for (const [, msg, domain] of text.matchAll(calls)) {
        count++
        expect(domain, `${name}: ${msg}`).toBe('cartback')
        const unescaped = String(msg).replace(/\\'/g, "'").replace(/"/g, '\\"')
        expect(pot.replace(/"\n"/g, ''), `${name}: ${msg}`).toContain(unescaped)
      }
    }
    expect(count).toBeGreaterThan(40)
  })
})

describe('WooCommerce plugin: one outbound host', () => {
  const sources = phpFiles(plugin).map((f) => ({
    name: f.slice(plugin.length + 1),
    text: readFileSync(f, 'utf8'),
  }))
  const code = (text: string) =>
    text
      .split('\n')
      .filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l))
      .join('\n')

  it('makes HTTP requests only in the client, to the Cartback URL, without following redirects', () => {
    const outbound =
      /\b(wp_remote_\w+|wp_safe_remote_\w+|curl_\w+|file_get_contents|fopen|fsockopen|stream_socket_client|download_url|WP_Http|Requests::)\s*\(/g
    const calls = sources.flatMap(({ name, text }) =>
      [...code(text).matchAll(outbound)]
        .map((m) => `${name}: ${m[1]}`)
        .filter((c) => !/wp_remote_retrieve_(response_code|body)$/.test(c)),
    )
    expect(calls).toEqual(['includes/class-cartback-client.php: wp_remote_request'])
    const client = sources.find((s) => s.name === 'includes/class-cartback-client.php')!.text
    expect(client).toMatch(/wp_remote_request\(\s*\$base \. \$path,/)
    expect(client).toMatch(/\$base = '' !== \$base \? \$base : Cartback_Options::base_url\(\);/)
    expect(client).toMatch(/'redirection' => 0/)
  })

  it('names no other host in its code (only the example placeholder the form and messages show)', () => {
    for (const { name, text } of sources) {
      const urls = code(text).match(/https?:\/\/[A-Za-z0-9][^\s'"]*/g) ?? []
      for (const url of urls) expect(url, name).toBe('https://cartback.example.com')
    }
  })
})
