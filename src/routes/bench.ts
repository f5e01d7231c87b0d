import { Hono } from 'hono'
import { counting } from '../bench-mode'
import { readCounters } from '../lib/bench-counters'
import { AppError } from '../lib/errors'
import type { AppEnv } from './env'

/** `GET /__bench/counters`: the tally of billable operations; no such route unless counting. */
export const bench = new Hono<AppEnv>().get('/counters', (c) => {
  if (!counting(c.env)) throw new AppError('NOT_FOUND', 'No such route.')
  return c.json(readCounters())
})
