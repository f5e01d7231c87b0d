import { countSegments, type SegmentCount } from './segments'
import { fill, type TemplateValues } from './template'

/** Carrier-friendly ceiling for one reminder. */
export const MAX_SMS_SEGMENTS = 2
/** Appended to the first text a phone receives from the store (CTIA). */
export const STOP_FOOTER = '\nReply STOP to opt out'
/** First names are cut to this length in texts, so templates can be sized. */
export const SMS_FIRST_NAME_MAX = 20

/**
 * The longest a text from this template can get: every variable at its longest, the restore
 * link at `linkLength`, and the opt-out footer. Used when a template is saved.
 */
export function worstCaseSms(
  template: string,
  opts: { storeName: string; linkLength: number },
): SegmentCount & { text: string } {
  const values: TemplateValues = {
    storeName: opts.storeName,
    firstName: 'X'.repeat(SMS_FIRST_NAME_MAX),
    itemCount: '999',
    // The longest a total gets in a text: an ISO code when the symbol is not GSM.
    total: 'USD 999,999.99',
    restoreUrl: 'x'.repeat(opts.linkLength),
    incentive: '$1,000.00 off',
    incentiveCode: 'X'.repeat(12),
  }
  const text = fill(template, values) + STOP_FOOTER
  return { ...countSegments(text), text }
}
