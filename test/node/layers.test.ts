// Imports go one way (STYLE.md, docs/design/architecture.md): this test reads every source
// file's imports and fails on an import cycle or an arrow that runs the wrong way.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = join(import.meta.dirname, '..', '..', 'src')

type Edge = { from: string; to: string; typeOnly: boolean }

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name)
    if (e.isDirectory()) return e.name === 'storefront' ? [] : sources(path)
    if (!/\.tsx?$/.test(e.name) || /\.test\.tsx?$|\.d\.ts$|\.generated\.ts$/.test(e.name)) return []
    return [path]
  })
}

const FILES = sources(SRC).map((f) => relative(SRC, f))
const known = new Set(FILES)

/** `src/`-relative file an import names, or the package name for a bare one. */
function target(from: string, spec: string): string {
  if (!spec.startsWith('.')) return spec
  const base = relative(SRC, resolve(SRC, dirname(from), spec))
  for (const c of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`]) {
    if (known.has(c)) return c
  }
  return base
}

const EDGES: Edge[] = FILES.flatMap((from) => {
  const text = readFileSync(join(SRC, from), 'utf8')
  const re = /^(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gms
  return [...text.matchAll(re)].map((m) => ({
    from,
    to: target(from, m[3] as string),
    typeOnly: m[2] !== undefined,
  }))
})

const layer = (f: string) => (f.includes('/') ? f.slice(0, f.indexOf('/')) : f)
const wrong = (ok: (e: Edge) => boolean, of: string) =>
  EDGES.filter((e) => layer(e.from) === of && !ok(e)).map((e) => `${e.from} -> ${e.to}`)

describe('imports', () => {
  it('are read from every source file', () => {
    expect(FILES.length).toBeGreaterThan(100)
    expect(EDGES.filter((e) => known.has(e.to)).length).toBeGreaterThan(300)
  })

  it('run in no cycle, type-only imports included', () => {
    const next = new Map<string, string[]>()
    for (const e of EDGES)
      if (known.has(e.to)) next.set(e.from, [...(next.get(e.from) ?? []), e.to])
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' -> '))
        return
      }
      state.set(f, 'open')
      for (const t of next.get(f) ?? []) visit(t, [...path, f])
      state.set(f, 'done')
    }
    for (const f of FILES) visit(f, [])
    expect(cycles).toEqual([])
  })

  it('keep the domain pure: domain, lib, zod and phone data only', () => {
    const ok = (e: Edge) =>
      ['domain', 'lib'].includes(layer(e.to)) || ['zod', 'libphonenumber-js/max'].includes(e.to)
    expect(wrong(ok, 'domain')).toEqual([])
  })

  it('keep config.ts below the adapters it configures: lib, domain and packages only', () => {
    const ok = (e: Edge) => ['lib', 'domain'].includes(layer(e.to)) || !known.has(e.to)
    expect(wrong(ok, 'config.ts')).toEqual([])
  })

  it('keep lib below everything', () => {
    // lib/ may use packages (zod, hono's HTTPException, phone data), never our other layers.
    const ok = (e: Edge) => layer(e.to) === 'lib' || !known.has(e.to)
    expect(wrong(ok, 'lib')).toEqual([])
  })

  it('give views only the domain and lib', () => {
    const ok = (e: Edge) => ['views', 'domain', 'lib'].includes(layer(e.to))
    expect(wrong(ok, 'views')).toEqual([])
  })

  it('let ui render views, never reach into routes, db or objects', () => {
    const ok = (e: Edge) => !['routes', 'db', 'objects', 'adapters'].includes(layer(e.to))
    expect(wrong(ok, 'ui')).toEqual([])
  })

  it('let objects reach one another only through stubs.ts, which names no object (bindings type it)', () => {
    const objects =
      /^objects\/(cart-object|contact-object|order-object|login-throttle|webhook-endpoint)\.ts$/
    const bad = EDGES.filter(
      (e) =>
        e.from.startsWith('objects/') &&
        objects.test(e.to) &&
        e.from !== e.to &&
        !(e.typeOnly && objects.test(e.from)),
    ).map((e) => `${e.from} -> ${e.to}`)
    expect(bad).toEqual([])
  })

  it('keep services below objects and routes: objects call services, never the reverse', () => {
    // Not even a type: a service that needs a cart gets a port (an interface) from its object.
    const ok = (e: Edge) => !['routes', 'objects', 'jobs'].includes(layer(e.to))
    expect(wrong(ok, 'services')).toEqual([])
  })

  it('never let db, domain, views, lib, services or adapters import routes', () => {
    const low = ['db', 'domain', 'views', 'lib', 'services', 'adapters']
    const bad = EDGES.filter((e) => low.includes(layer(e.from)) && layer(e.to) === 'routes')
    expect(bad.map((e) => `${e.from} -> ${e.to}`)).toEqual([])
  })
})
