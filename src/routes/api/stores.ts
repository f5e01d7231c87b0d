import { zValidator } from '@hono/zod-validator'
import type { Context, MiddlewareHandler } from 'hono'
import { Hono } from 'hono'
import { z } from 'zod'
import {
  createStore,
  listStores,
  type Store,
  sealWoocommerceKeys,
  updateStore,
  woocommerceKeysStatus,
} from '../../db/stores'
import { MAX_SMS_SEGMENTS, worstCaseSms } from '../../domain/message/sms'
import { checkSequence, shortLinkLength } from '../../domain/sequence/check'
import { SequenceSchema, type Step } from '../../domain/sequence/steps'
import { keepVariant, variantIds } from '../../domain/sequence/variants'
import { settingsChange, settingsPatchProblem } from '../../domain/store/changes'
import { mergeSettings, type Settings, SettingsSchema } from '../../domain/store/settings'
import { AppError } from '../../lib/errors'
import { experimentIds } from '../../lib/ids'
import { currencyCode, httpUrl } from '../../lib/schemas'
import type { AppEnv } from '../env'
import { publicBase } from '../links'
import { invalid, jsonOnly, parseOrThrow } from '../validation'
import { apiScope, assertAllStores, storeForScope, visibleStore } from './scope'

export const stores = new Hono<AppEnv>()

/** An origin exactly as browsers send it: scheme, host and port, no path or trailing slash. */
const origin = z
  .string()
  .trim()
  .refine(
    (v) => URL.canParse(v) && new URL(v).origin === v,
    'must be an origin such as https://shop.example',
  )

const StoreFields = z.object({
  name: z.string().trim().min(1).max(200),
  url: httpUrl,
  currency: currencyCode,
  allowedOrigins: z.array(origin).max(50),
  restoreUrlTemplate: httpUrl.nullable(),
})

/** Any subset of the settings; objects (sender, sms, storefront.popup, …) merge, at any depth,
 * with the defaults (create) or with what is set (PATCH); lists (the sequence) are replaced. */
const SettingsPatch = z.record(z.string(), z.unknown())

const CreateStore = StoreFields.extend({
  restoreUrlTemplate: httpUrl.nullable().optional(),
  settings: SettingsPatch.optional(),
}).strict()

const PatchStore = StoreFields.partial()
  .extend({
    settings: SettingsPatch.optional(),
    /** WooCommerce REST API keys (read/write) for coupons; null removes them. */
    woocommerceApi: z
      .object({
        consumerKey: z.string().regex(/^ck_[A-Za-z0-9]{8,64}$/, 'a consumer key (ck_…)'),
        consumerSecret: z.string().regex(/^cs_[A-Za-z0-9]{8,64}$/, 'a consumer secret (cs_…)'),
      })
      .strict()
      .nullable()
      .optional(),
  })
  .strict()

/** Creating a store needs a token for every store (checked before the body is read). */
const allStores: MiddlewareHandler<AppEnv> = async (c, next) => {
  assertAllStores(c)
  await next()
}

stores.get('/', async (c) => {
  const { storeId } = apiScope(c)
  const all = await listStores(c.env.DB)
  const visible = storeId === null ? all : all.filter((s) => s.id === storeId)
  return c.json({ stores: visible.map((s) => storeForScope(c, s)) })
})

/**
 * Parses merged settings; the holdout's period and the steps' experiments are the server's
 * (never the patch's), with the experiments the change starts and ends.
 */
function settingsAfter(before: Settings, patch: Record<string, unknown> | undefined, now: number) {
  const problem = settingsPatchProblem(patch, before)
  if (problem) throw new AppError('BAD_REQUEST', `Invalid settings: ${problem}`)
  const after = parseOrThrow(SettingsSchema, mergeSettings(before, patch ?? {}), 'settings')
  return settingsChange(before, after, now, experimentIds)
}

stores.post('/', allStores, jsonOnly, zValidator('json', CreateStore, invalid), async (c) => {
  const { settings: patch, ...fields } = c.req.valid('json')
  const { settings, changes } = settingsAfter(SettingsSchema.parse({}), patch, Date.now())
  if (patch?.sequence) assertSequenceFits(c, fields.name, settings.sequence)
  const store = await createStore(c.env.DB, { ...fields, settings }, changes)
  return c.json({ ...store, woocommerceApiStatus: 'not_set' }, 201)
})

/** Refuses a sequence whose texts can outgrow two segments with this store's name and links. */
function assertSequenceFits(c: Context<AppEnv>, storeName: string, sequence: Step[]) {
  const problems = checkSequence(sequence, {
    storeName,
    linkLength: shortLinkLength(publicBase(c)),
  })
  if (problems.length > 0) {
    const detail = problems.map((p) => `step ${p.stepId}: ${p.message}`).join('; ')
    throw new AppError('BAD_REQUEST', `Invalid sequence: ${detail}`)
  }
}

function sequenceView(c: Context<AppEnv>, store: Store) {
  const linkLength = shortLinkLength(publicBase(c))
  return {
    sequence: store.settings.sequence,
    texts: store.settings.sequence
      .filter((s) => s.channel === 'sms')
      .map((s) => {
        const { text: _text, ...size } = worstCaseSms(s.template.body, {
          storeName: store.name,
          linkLength,
        })
        return { stepId: s.id, worstCase: size, maxSegments: MAX_SMS_SEGMENTS }
      }),
  }
}

const PutSequence = z.object({ sequence: SequenceSchema }).strict()

stores.get('/:storeId/sequence', async (c) => {
  const store = await visibleStore(c, c.req.param('storeId'))
  return c.json(sequenceView(c, store))
})

stores.put('/:storeId/sequence', jsonOnly, zValidator('json', PutSequence, invalid), async (c) => {
  const { sequence } = c.req.valid('json')
  const store = await visibleStore(c, c.req.param('storeId'))
  const problem = settingsPatchProblem({ sequence }, store.settings)
  if (problem) throw new AppError('BAD_REQUEST', `Invalid sequence: ${problem}`)
  assertSequenceFits(c, store.name, sequence)
  const after = SettingsSchema.parse({ ...store.settings, sequence })
  const { settings, changes } = settingsChange(store.settings, after, Date.now(), experimentIds)
  const updated = await updateStore(c.env.DB, store.id, { settings }, changes)
  if (!updated) throw new AppError('NOT_FOUND', 'No such store.')
  return c.json(sequenceView(c, updated))
})

const KeepVariant = z.object({ variant: z.string().min(1).max(16) }).strict()

// "Make this the only variant": the step takes that variant's content and its experiment ends
// (the history keeps it, with the variant kept). Steps stay in order of delay.
stores.post(
  '/:storeId/sequence/:stepId/keep-variant',
  jsonOnly,
  zValidator('json', KeepVariant, invalid),
  async (c) => {
    const { variant } = c.req.valid('json')
    const store = await visibleStore(c, c.req.param('storeId'))
    const kept = keepVariant(store.settings.sequence, c.req.param('stepId'), variant)
    if ('refused' in kept) {
      if (kept.refused === 'no_step')
        throw new AppError('NOT_FOUND', 'The sequence has no such step.')
      if (kept.refused === 'no_variants') {
        throw new AppError('CONFLICT', 'The step has no variants to choose from.')
      }
      const ids = kept.step ? variantIds(kept.step).join(', ') : ''
      throw new AppError('BAD_REQUEST', `The step has no variant "${variant}" (it has ${ids}).`)
    }
    const { sequence } = kept
    const after = parseOrThrow(SettingsSchema, { ...store.settings, sequence }, 'settings')
    const { settings, changes } = settingsChange(store.settings, after, Date.now(), experimentIds, {
      stepId: c.req.param('stepId'),
      variant,
    })
    const updated = await updateStore(c.env.DB, store.id, { settings }, changes)
    if (!updated) throw new AppError('NOT_FOUND', 'No such store.')
    return c.json(sequenceView(c, updated))
  },
)

/**
 * A single store with `woocommerceApiStatus`: `unreadable` when the keys were sealed under a
 * previous SIGNING_SECRET and must be sent again.
 */
async function withKeysStatus(c: Context<AppEnv>, store: Store) {
  const status = store.woocommerceApiConfigured
    ? await woocommerceKeysStatus(c.env.DB, store.id, c.get('config').SIGNING_SECRET)
    : 'not_set'
  return { ...store, woocommerceApiStatus: status }
}

stores.get('/:storeId', async (c) => {
  const store = await visibleStore(c, c.req.param('storeId'))
  return c.json(storeForScope(c, await withKeysStatus(c, store)))
})

stores.patch('/:storeId', jsonOnly, zValidator('json', PatchStore, invalid), async (c) => {
  const body = c.req.valid('json')
  const current = await visibleStore(c, c.req.param('storeId'))
  const { settings: patch, allowedOrigins, woocommerceApi, ...fields } = body
  const change = patch ? settingsAfter(current.settings, patch, Date.now()) : null
  const settings = change?.settings ?? null
  // A new name or new texts: every text must still fit two segments.
  if (settings || fields.name) {
    assertSequenceFits(c, fields.name ?? current.name, (settings ?? current.settings).sequence)
  }
  const updated = await updateStore(
    c.env.DB,
    current.id,
    {
      ...fields,
      ...(allowedOrigins ? { allowedOrigins: [...new Set(allowedOrigins)] } : {}),
      ...(settings ? { settings } : {}),
      ...(woocommerceApi !== undefined
        ? {
            woocommerceApi: await sealWoocommerceKeys(
              c.get('config').SIGNING_SECRET,
              current.id,
              woocommerceApi,
            ),
          }
        : {}),
    },
    change?.changes,
  )
  if (!updated) throw new AppError('NOT_FOUND', 'No such store.')
  return c.json(await withKeysStatus(c, updated))
})
