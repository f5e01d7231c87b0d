import { Hono } from 'hono'
import { z } from 'zod'
import { storeById } from '../../db/stores'
import { composeSms, type MessageInput } from '../../domain/message/compose'
import { countSegments } from '../../domain/message/segments'
import { StepSchema } from '../../domain/sequence/steps'
import { AppError } from '../../lib/errors'
import { cartStub } from '../../objects/cart-object'
import { renderEmail } from '../../ui/email/recovery-email'
import type { AppEnv } from '../env'
import { publicBase } from '../links'
import { CartIdSchema } from '../schemas/beacon'
import { jsonBody } from '../validation'

export const preview = new Hono<AppEnv>()

const PreviewBody = z
  .object({
    /** A step of the store's sequence, or a step being edited (not saved). */
    stepId: z.string().max(32).optional(),
    step: StepSchema.optional(),
    /** Render against this cart of the store; a sample cart otherwise. */
    cart: CartIdSchema.optional(),
    firstText: z.boolean().default(true),
  })
  .strict()
  .refine((b) => (b.stepId === undefined) !== (b.step === undefined), 'give either stepId or step')

const SAMPLE: Pick<MessageInput, 'items' | 'total' | 'firstName' | 'locale'> = {
  firstName: 'Ada',
  locale: 'en-US',
  items: [
    { id: 'sample-1', name: 'Ocean Tee', price: 2400, quantity: 2, variant: 'M' },
    { id: 'sample-2', name: 'Sunrise Mug', price: 1600, quantity: 1 },
  ],
  total: 6400,
}

// Renders a template as the shopper would get it, with placeholder links (nothing is signed
// or sent): for the sequence editor's live preview.
preview.post('/:storeId/preview', async (c) => {
  const body = await jsonBody(c, PreviewBody)
  const store = await storeById(c.env.DB, c.req.param('storeId'))
  if (!store) throw new AppError('NOT_FOUND', 'No such store.')
  const step = body.step ?? store.settings.sequence.find((s) => s.id === body.stepId)
  if (!step) throw new AppError('NOT_FOUND', `No step "${body.stepId}" in this store's sequence.`)
  let cart: Pick<MessageInput, 'items' | 'total' | 'firstName' | 'locale' | 'currency'> = {
    ...SAMPLE,
    currency: store.currency,
  }
  if (body.cart) {
    const snap = await cartStub(c.env.CART, { storeId: store.id, cartId: body.cart }).snapshot()
    if (!snap) throw new AppError('NOT_FOUND', 'No such cart.')
    const s = snap.state
    cart = {
      items: s.items,
      total: s.total,
      currency: s.currency,
      firstName: s.contact.firstName ?? null,
      locale: s.contact.locale ?? null,
    }
  }
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
    return c.json({ channel: 'email', ...(await renderEmail(step, input)) })
  }
  const composed = composeSms(step, input, body.firstText)
  if ('error' in composed) {
    return c.json({ channel: 'sms', error: 'too_long', segments: composed.segments })
  }
  return c.json({ channel: 'sms', text: composed.text, ...countSegments(composed.text) })
})
