// Global setup of the workers project: servers on loopback that Durable Objects in workerd reach
// over real HTTP. Their URLs reach the tests through `inject` (typed below).
import type { TestProject } from 'vitest/node'
import { hungServer } from './http'

export default async function setup(project: TestProject) {
  const hung = await hungServer()
  project.provide('hungProviderUrl', hung.url)
  return () => hung.close()
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** A provider that never answers (test/fakes/http.ts `hungServer`). */
    hungProviderUrl: string
  }
}
