import type { CartReport } from '../../domain/cart/report'
import type { ReportSink } from './types'

/**
 * Publishes cart reports to the Cloudflare Queue that the Worker's `queue()` consumer drains
 * into D1. A failed send is retryable: the cart keeps the report in its outbox.
 */
export function queueReports(queue: Queue<CartReport>): ReportSink {
  return {
    async publish(report) {
      try {
        await queue.send(report, { contentType: 'json' })
        return { ok: true, providerId: `${report.storeId}:${report.cartId}:${report.revision}` }
      } catch (err) {
        return { ok: false, retryable: true, code: 'QUEUE_SEND_FAILED', message: String(err) }
      }
    },
  }
}
