import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { StepSchema } from '../../domain/sequence/steps'
import { asVariant, variantIds } from '../../domain/sequence/variants'
import { AppError } from '../../lib/errors'
import { cartStub } from '../../objects/stubs'
import type { AppEnv } from '../env'
import { previewMessage, sampleCart } from '../preview-message'
import { CartIdSchema } from '../schemas/beacon'
import { invalid, jsonOnly } from '../validation'
import { visibleStore } from './scope'

export const preview = new Hono<AppEnv>()

const PreviewBody = z
  .object({
    /** A step of the store's sequence, or a step being edited (not saved). */
    stepId: z.string().max(32).optional(),
    step: StepSchema.optional(),
    /** Which of the step's variants to render (issue 15); its own content ("a") by default. */
    variant: z.string().max(16).optional(),
    /** Render against this cart of the store; a sample cart otherwise. */
    cart: CartIdSchema.optional(),
    firstText: z.boolean().default(true),
  })
  .strict()
  .refine((b) => (b.stepId === undefined) !== (b.step === undefined), 'give either stepId or step')

// Renders a template as the shopper would get it, with placeholder links (nothing is signed
// or sent): for the sequence editor's live preview.
preview.post('/:storeId/preview', jsonOnly, zValidator('json', PreviewBody, invalid), async (c) => {
  const body = c.req.valid('json')
  const store = await visibleStore(c, c.req.param('storeId'))
  const found = body.step ?? store.settings.sequence.find((s) => s.id === body.stepId)
  if (!found) throw new AppError('NOT_FOUND', `No step "${body.stepId}" in this store's sequence.`)
  if (body.variant !== undefined && !variantIds(found).includes(body.variant)) {
    const ids = variantIds(found).join(', ')
    throw new AppError('NOT_FOUND', `The step has no variant "${body.variant}" (it has ${ids}).`)
  }
  const step = asVariant(found, body.variant ?? null).step
  let cart = sampleCart(store.currency)
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
  return c.json(await previewMessage(c, store, step, cart, body.firstText))
})
