import type { Report } from '../../domain/cart/report'
import type { SendResult } from '../types'

/** Hands a cart's reporting row to the pipeline that writes D1. */
export interface ReportSink {
  publish(report: Report): Promise<SendResult>
}
