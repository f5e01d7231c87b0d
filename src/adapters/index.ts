import type { CartReport } from '../domain/cart/report'
import { queueReports } from './reporting/queue'
import type { ReportSink } from './reporting/types'

/** Every outside system the cart talks to, behind a narrow interface. */
export type Adapters = { reports: ReportSink }

/**
 * The one place that picks implementations. Email, SMS and AI adapters (with their local
 * development sinks) join here with the sequences and two-way SMS capabilities.
 */
export function createAdapters(env: Env): Adapters {
  return { reports: queueReports(env.REPORTS as Queue<CartReport>) }
}
