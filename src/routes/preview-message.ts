import type { Context } from 'hono'
import type { Store } from '../db/stores'
import { composeSms, type MessageInput } from '../domain/message/compose'
import { countSegments, type SegmentCount } from '../domain/message/segments'
import { MAX_SMS_SEGMENTS, worstCaseSms } from '../domain/message/sms'
import { shortLinkLength } from '../domain/sequence/check'
import type { Step } from '../domain/sequence/steps'
import { renderEmail } from '../ui/email/recovery-email'
import type { AppEnv } from './env'
import { publicBase } from './links'

/** The cart a preview renders: a sample, or a real cart's lines. */
export type PreviewCart = Pick<
  MessageInput,
  'items' | 'total' | 'firstName' | 'locale' | 'currency'
>

/** A sample cart in the store's currency, for previews and test sends. */
export const sampleCart = (currency: string): PreviewCart => ({
  firstName: 'Ada',
  locale: 'en-US',
  items: [
    { id: 'sample-1', name: 'Ocean Tee', price: 2400, quantity: 2, variant: 'M' },
    { id: 'sample-2', name: 'Sunrise Mug', price: 1600, quantity: 1 },
  ],
  total: 6400,
  currency,
})

export type Preview =
  | { channel: 'email'; subject: string; preheader: string; html: string; text: string }
  | (SegmentCount & {
      channel: 'sms'
      text: string
      /** At its longest (longest names, the link, the STOP line): what saving checks. */
      worstCase: SegmentCount
      maxSegments: number
    })
  | { channel: 'sms'; error: 'too_long'; segments: number }

/**
 * Renders a step as the shopper would get it, with placeholder links (nothing is signed or
 * sent): the API's preview endpoint, the sequence editor and test sends use it.
 */
export async function previewMessage(
  c: Context<AppEnv>,
  store: Store,
  step: Step,
  cart: PreviewCart,
  firstText = true,
): Promise<Preview> {
  const base = publicBase(c)
  const input: MessageInput = {
    ...cart,
    storeName: store.name,
    sender: store.settings.sender,
    restoreUrl: step.channel === 'sms' ? `${base}/s/PREVIEW123` : `${base}/r/preview`,
    unsubscribeUrl: `${base}/u/preview`,
    incentive: step.incentive ? { ...step.incentive, code: 'PREVIEW-CODE' } : null,
  }
  if (step.channel === 'email') {
    return { channel: 'email', ...(await renderEmail(step, input)) }
  }
  const composed = composeSms(step, input, firstText)
  if ('error' in composed) return { channel: 'sms', error: 'too_long', segments: composed.segments }
  const { text: _worst, ...worstCase } = worstCaseSms(step.template.body, {
    storeName: store.name,
    linkLength: shortLinkLength(base),
  })
  return {
    channel: 'sms',
    text: composed.text,
    ...countSegments(composed.text),
    worstCase,
    maxSegments: MAX_SMS_SEGMENTS,
  }
}
