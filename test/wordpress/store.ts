// Cartback's store for a test WordPress site.
import { expect } from 'vitest'
import type { Worker } from '../worker'
import type { Site } from './site'

/** Creates "Harbor Goods" at the site's address, with no allowed origin: connect adds it. */
export async function storeFor<T>(worker: Worker, site: Site): Promise<T> {
  const created = await worker.api<T>('/stores', {
    method: 'POST',
    body: JSON.stringify({
      name: 'Harbor Goods',
      url: `${site.url}/`,
      currency: 'USD',
      allowedOrigins: [],
    }),
  })
  expect(created.status, JSON.stringify(created.body)).toBe(201)
  return created.body
}
