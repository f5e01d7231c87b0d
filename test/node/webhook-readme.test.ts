// The README's outbound webhook section is what the Worker does: its schemas are generated from
// the ones every event is checked against, its examples conform to them, and its PHP verifier
// (run by the real `php`) accepts our signatures and refuses tampered or old ones.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readmeSchemas, replaceSchemas } from '../../scripts/lib/webhook-schemas.mts'
import { signedHeaders } from '../../src/adapters/webhook/post'
import { dataProblem, Envelope, EVENT_TYPES } from '../../src/domain/webhook/events'

const README = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8')
const section = README.slice(
  README.indexOf('## Outbound webhooks'),
  README.indexOf('## Configuration'),
)
const blocks = (lang: string) =>
  [...section.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map(
    (m) => m[1] as string,
  )

describe('README: outbound webhooks', () => {
  it('publishes the current JSON Schema of every event type', () => {
    expect(README).toBe(replaceSchemas(README, readmeSchemas()))
    for (const t of EVENT_TYPES) expect(section).toContain(`| \`${t}\` |`)
  })

  it('shows examples that conform to their schemas', () => {
    const examples = blocks('json')
      .filter((b) => !b.includes('$schema'))
      .map((b) => JSON.parse(b) as { type: string; data: unknown })
    expect(examples.length).toBeGreaterThanOrEqual(3)
    for (const e of examples) {
      expect(Envelope.safeParse(e).success, e.type).toBe(true)
      expect(dataProblem(e), e.type).toBeNull()
    }
  })

  describe('its PHP verifier, run by php', () => {
    const SECRET = `whsec_${Buffer.from('p'.repeat(32)).toString('base64')}`
    const OTHER = `whsec_${Buffer.from('q'.repeat(32)).toString('base64')}`
    const body = JSON.stringify({
      id: 'evt_1',
      type: 'cart.lost',
      data: { cartId: 'c1', note: 'ünïcode' },
    })
    const php = (secret: string, payload: string, headers: Record<string, string>) => {
      const dir = mkdtempSync(join(tmpdir(), 'cb-php-'))
      try {
        const code = blocks('php')[0] as string
        const file = join(dir, 'verify.php')
        writeFileSync(
          file,
          `${code}\n$in = json_decode(file_get_contents('php://stdin'), true);\n` +
            `echo json_encode(cartback_verify($in['secret'], $in['body'], $in['headers']));\n`,
        )
        return execFileSync('php', [file], {
          input: JSON.stringify({ secret, body: payload, headers }),
          encoding: 'utf8',
        })
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }

    it('accepts a delivery, and either signature during a rotation', () => {
      const h = signedHeaders('evt_1', body, [SECRET], Date.now())
      expect(JSON.parse(php(SECRET, body, h))).toMatchObject({ id: 'evt_1' })
      const both = signedHeaders('evt_1', body, [OTHER, SECRET], Date.now())
      expect(JSON.parse(php(SECRET, body, both))).toMatchObject({ id: 'evt_1' })
    })

    it('refuses a tampered body, another secret, and an old or future timestamp', () => {
      const h = signedHeaders('evt_1', body, [SECRET], Date.now())
      expect(php(SECRET, body.replace('c1', 'c2'), h)).toBe('null')
      expect(php(OTHER, body, h)).toBe('null')
      const old = signedHeaders('evt_1', body, [SECRET], Date.now() - 10 * 60_000)
      expect(php(SECRET, body, old)).toBe('null')
      const future = signedHeaders('evt_1', body, [SECRET], Date.now() + 10 * 60_000)
      expect(php(SECRET, body, future)).toBe('null')
    })
  })
})
