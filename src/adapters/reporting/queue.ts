import type { Report } from '../../domain/cart/report'
import type { ReportSink } from './types'

/**
 * Publishes cart reports to the Cloudflare Queue that the Worker's `queue()` consumer drains
 * into D1. A failed send is retryable: the cart keeps the report in its outbox.
 */
export function queueReports(queue: Queue<Report>): ReportSink {
  return {
    async publish(report) {
      try {
        await queue.send(report, { contentType: 'json' })
        const id = report.kind === 'cart' ? String(report.revision) : report.id
        return { ok: true, providerId: `${report.kind}:${report.storeId}:${report.cartId}:${id}` }
      } catch (err) {
        return { ok: false, retryable: true, code: 'QUEUE_SEND_FAILED', message: String(err) }
      }
    },
  }
}
