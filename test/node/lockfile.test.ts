// The lockfile must hold every platform's optional binaries (workerd, esbuild, biome, …): npm 11
// can write one without them, and then a fresh machine rewrites it and `npm ci` fails on macOS
// or Windows (issue 11). Every optional dependency a locked package names must be locked too,
// found where Node would resolve it (beside the package, or in a parent node_modules).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

type Entry = { version?: string; optionalDependencies?: Record<string, string> }
const lock = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'package-lock.json'), 'utf8'),
) as { lockfileVersion: number; packages: Record<string, Entry> }

function resolves(from: string, dep: string): boolean {
  let dir = from
  for (;;) {
    if (lock.packages[`${dir ? `${dir}/` : ''}node_modules/${dep}`]) return true
    if (!dir) return false
    const up = dir.lastIndexOf('/node_modules/')
    dir = up === -1 ? '' : dir.slice(0, up)
  }
}

describe('package-lock.json', () => {
  it('locks every optional dependency of every locked package, for every platform', () => {
    const missing: string[] = []
    let optional = 0
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
        optional++
        if (!resolves(path, dep)) missing.push(`${path || '(root)'} → ${dep}`)
      }
    }
    expect(optional).toBeGreaterThan(50)
    expect(missing).toEqual([])
  })

  it.each([
    '@cloudflare/workerd-darwin-arm64',
    '@cloudflare/workerd-windows-64',
    '@cloudflare/workerd-linux-64',
    '@biomejs/cli-darwin-arm64',
    '@biomejs/cli-win32-x64',
    '@esbuild/darwin-arm64',
    '@esbuild/win32-x64',
  ])('holds %s', (name) => {
    expect(lock.packages[`node_modules/${name}`]?.version).toMatch(/^\d+\.\d+\.\d+/)
  })
})
