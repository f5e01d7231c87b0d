import {
  type ArmAssignment,
  type AssignmentCursor,
  assignmentsPage,
  type ExperimentRow,
  type VariantAssignment,
} from '../../db/experiments'
import { csvLine } from '../../lib/csv'
import { iso } from '../../lib/time'
import { csvStream, decimal } from '../carts/csv'

// An experiment's assignments and outcomes as CSV (issue 15), for the merchant's own analysis:
// the API's and the dashboard's download.

/** Rows per D1 read, as the carts CSV. */
const PAGE = 2000

const STEP_COLUMNS = [
  'experiment',
  'variant',
  'cart_id',
  'assigned_at',
  'message_id',
  'channel',
  'message_status',
  'sent_at',
  'delivered_at',
  'clicked_at',
  'cart_status',
  'recovered_at',
  'recovered_revenue',
  'revenue_currency',
  'credited_to_this_variant',
] as const

const HOLDOUT_COLUMNS = [
  'period',
  'arm',
  'cart_id',
  'abandoned_at',
  'reach',
  'status',
  'recovered_at',
  'recovered_revenue',
  'revenue_currency',
  'credited_channel',
  'credited_step',
] as const

/** A time as the API writes it, or empty. */
const when = (ms: number | null) => (ms === null ? null : iso(ms))
const yes = (n: number) => (n ? 'yes' : 'no')

const stepLine = (id: string) => (r: VariantAssignment) =>
  csvLine([
    id,
    r.variant,
    r.cartId,
    when(r.assignedAt),
    r.messageId,
    r.channel,
    r.status,
    when(r.sentAt),
    when(r.deliveredAt),
    when(r.clickedAt),
    r.cartStatus,
    when(r.recoveredAt),
    r.recoveredAt === null || r.revenueCurrency === null
      ? ''
      : decimal(r.recoveredRevenue ?? 0, r.revenueCurrency),
    r.recoveredAt === null ? '' : r.revenueCurrency,
    yes(r.credited),
  ])

const holdoutLine = (id: string) => (r: ArmAssignment) =>
  csvLine([
    id,
    r.arm,
    r.cartId,
    when(r.abandonedAt),
    r.reach,
    r.status,
    when(r.recoveredAt),
    r.recoveredAt === null ? '' : decimal(r.recoveredRevenue, r.revenueCurrency),
    r.recoveredAt === null ? '' : r.revenueCurrency,
    r.recoveredChannel,
    r.recoveredStep,
  ])

/** Every assignment of the experiment with its outcome, streamed page by page. */
export function experimentCsv(db: D1Database, storeId: string, row: ExperimentRow) {
  const experiment = { id: row.id, kind: row.kind }
  const columns = row.kind === 'step' ? STEP_COLUMNS : HOLDOUT_COLUMNS
  return csvStream<AssignmentCursor>(columns, async (after) => {
    const page = await assignmentsPage(db, { storeId, experiment, after, limit: PAGE })
    const text =
      page.kind === 'step'
        ? page.rows.map(stepLine(row.id)).join('')
        : page.rows.map(holdoutLine(row.id)).join('')
    return { text, next: page.next }
  })
}
