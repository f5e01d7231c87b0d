import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { type Store, updateStore } from '../../db/stores'
import { checkSequence, shortLinkLength } from '../../domain/sequence/check'
import { StepSchema } from '../../domain/sequence/steps'
import { asVariant, keepVariant, variantIds } from '../../domain/sequence/variants'
import { settingsChange } from '../../domain/store/changes'
import { SettingsSchema } from '../../domain/store/settings'
import { escapeHtml } from '../../lib/encoding'
import { AppError } from '../../lib/errors'
import { experimentIds } from '../../lib/ids'
import { SequencesPage } from '../../ui/dashboard/sequences'
import type { AppEnv } from '../env'
import { publicBase } from '../links'
import { previewMessage, sampleCart } from '../preview-message'
import { formFields } from '../validation'
import { render, signedIn, storeOf } from './page'
import { doc, previewDocument } from './preview-frame'
import {
  blankStep,
  blankVariant,
  type FormErrors,
  formOfStep,
  readStepForms,
  type StepForm,
  stepsOf,
} from './sequence-form'
import { requireCsrf, requireUser } from './session'
import { sendTest } from './test-send'

/** Dashboard: the sequence editor, its previews and test sends. */
export const sequencePages = new Hono<AppEnv>()

type View = {
  forms?: StepForm[]
  errors?: FormErrors
  notice?: string
  error?: string
  testPhone?: string
  status?: 400 | 409
}

/** The editor page for the stores `storeOf` found (read once per request). */
async function editor(
  c: Context<AppEnv>,
  { stores, store }: Awaited<ReturnType<typeof storeOf>>,
  v: View = {},
) {
  const saved = store.settings.sequence
  const forms = v.forms ?? saved.map((s) => formOfStep(s, store.currency))
  // A step previews from its saved copy only while the form still shows exactly that.
  const same = new Set(
    saved
      .filter((s) => {
        const shown = forms.find((f) => f.id === s.id)
        return shown && JSON.stringify(shown) === JSON.stringify(formOfStep(s, store.currency))
      })
      .map((s) => s.id),
  )
  if (v.status) c.status(v.status)
  return render(
    c,
    <SequencesPage
      stores={stores.map((s) => ({ id: s.id, name: s.name }))}
      store={{ id: store.id, name: store.name, currency: store.currency }}
      forms={forms}
      errors={v.errors ?? {}}
      csrf={c.get('csrf') ?? ''}
      saved={[...same]}
      experiments={Object.fromEntries(
        saved.flatMap((s) => (s.experiment ? [[s.id, s.experiment]] : [])),
      )}
      ownerEmail={c.get('user')?.email ?? ''}
      testPhone={v.testPhone ?? ''}
      {...(v.notice ? { notice: v.notice } : {})}
      {...(v.error ? { error: v.error } : {})}
    />,
    { title: 'Sequence', section: 'sequences' },
  )
}

sequencePages.get('/sequences', ...signedIn, async (c) =>
  editor(
    c,
    await storeOf(c, c.req.query('store') || undefined),
    c.req.query('saved')
      ? { notice: 'Sequence saved.' }
      : c.req.query('kept')
        ? { notice: KEPT_NOTICE }
        : {},
  ),
)

/** What "make this the only variant" did (said without echoing the URL). */
const KEPT_NOTICE =
  'The step now sends only the variant you chose; its experiment has ended and stays listed under Experiments.'

/** Too-long texts, pinned to the step's text field. */
function sequenceFits(c: Context<AppEnv>, store: Store, forms: StepForm[], errors: FormErrors) {
  const { steps } = stepsOf(forms, store.currency)
  if (!steps) return
  for (const problem of checkSequence(steps, {
    storeName: store.name,
    linkLength: shortLinkLength(publicBase(c)),
  })) {
    const i = forms.findIndex((f) => f.id === problem.stepId)
    const j = forms[i]?.variants.findIndex((v) => v.id === problem.variant) ?? -1
    errors[j >= 0 ? `s.${i}.v.${j}.body` : `s.${i}.body`] ??= `Too long: ${problem.message}.`
  }
}

sequencePages.post('/sequences/:storeId', ...signedIn, formFields, async (c) => {
  const found = await storeOf(c, c.req.param('storeId'))
  const { store } = found
  const body = c.req.valid('form')
  const forms = readStepForms(body)
  const testPhone = typeof body.testPhone === 'string' ? body.testPhone.slice(0, 40) : ''
  // A step's channel changed: the form again with that channel's fields, nothing saved.
  if (body.refresh) return editor(c, found, { forms, testPhone })
  if (typeof body.addVariant === 'string') {
    const f = forms[Number(body.addVariant)]
    const variant = f && /^\d{1,2}$/.test(body.addVariant) ? blankVariant(f) : null
    if (!f || !variant) {
      return editor(c, found, {
        forms,
        testPhone,
        error: 'A step has at most 4 variants (its own and 3 more).',
        status: 400,
      })
    }
    f.variants.push(variant)
    return editor(c, found, {
      forms,
      testPhone,
      notice: `Variant ${variant.id.toUpperCase()} added to step ${f.id}, a copy to change. Save to start the experiment.`,
    })
  }
  if (body.add === 'email' || body.add === 'sms') {
    if (forms.length >= 10) {
      return editor(c, found, {
        forms,
        testPhone,
        error: 'A sequence has at most 10 steps.',
        status: 400,
      })
    }
    forms.push(
      blankStep(
        body.add,
        forms.map((f) => f.id),
      ),
    )
    return editor(c, found, {
      forms,
      testPhone,
      notice: 'Step added below: fill it in, then save.',
    })
  }
  const result = stepsOf(forms, store.currency)
  sequenceFits(c, store, forms, result.errors)
  if (!result.steps || Object.keys(result.errors).length > 0) {
    return editor(c, found, {
      forms,
      testPhone,
      errors: result.errors,
      error: 'Nothing was saved: fix the fields marked below.',
      status: 400,
    })
  }
  const after = SettingsSchema.parse({ ...store.settings, sequence: result.steps })
  const { settings, changes } = settingsChange(store.settings, after, Date.now(), experimentIds)
  const updated = await updateStore(c.env.DB, store.id, { settings }, changes)
  if (!updated) throw new AppError('NOT_FOUND', 'There is no such store.')
  return c.redirect(`/sequences?store=${encodeURIComponent(store.id)}&saved=1`, 303)
})

// Previews render inside a sandboxed frame: the email's own inline styles need their own CSP
// (no script at all, framed only by the dashboard), so these skip the pages' stricter one.
/** A rendered email in a frame: no script at all, its inline styles, framed by us only. */
export const EMAIL_FRAME_CSP =
  "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; frame-ancestors 'self'"

const previewHeaders: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next()
  c.header('Content-Security-Policy', EMAIL_FRAME_CSP)
  c.header('X-Frame-Options', 'SAMEORIGIN')
  c.header('Cache-Control', 'no-store')
}
const framed = [previewHeaders, requireUser(), requireCsrf()] as const

/** The one step a preview or test button names, validated alone. */
function stepAt(
  body: Record<string, unknown>,
  key: 'preview' | 'test',
  forms: StepForm[],
  currency: string,
) {
  const raw = body[key]
  // `3`: the step's own content; `3.1`: its second variant (issue 15).
  const m = typeof raw === 'string' ? /^(\d{1,2})(?:\.(\d))?$/.exec(raw) : null
  const i = m ? Number(m[1]) : -1
  const form = forms[i]
  const variant = m?.[2] === undefined ? undefined : form?.variants[Number(m[2])]
  if (!form || (m?.[2] !== undefined && !variant)) {
    return { i, errors: { sequence: 'That step is not in the form.' } as FormErrors }
  }
  const { steps, errors } = stepsOf([form], currency)
  const parsed = steps?.[0] && StepSchema.parse(steps[0])
  const mine: FormErrors = {}
  for (const [k, v] of Object.entries(errors)) mine[k.replace(/^s\.0\./, `s.${i}.`)] = v
  if (!parsed) return { i, errors: mine }
  return { i, step: asVariant(parsed, variant?.id ?? null).step }
}

sequencePages.post('/sequences/:storeId/preview', ...framed, formFields, async (c) => {
  const { store } = await storeOf(c, c.req.param('storeId'))
  const body = c.req.valid('form')
  const picked = stepAt(body, 'preview', readStepForms(body, true), store.currency)
  if (!picked.step) {
    c.status(400)
    const list = Object.values(picked.errors)
      .map((e) => `<li>${escapeHtml(e)}</li>`)
      .join('')
    return c.html(doc(`<div class="bad"><b>Fix this step to preview it:</b><ul>${list}</ul></div>`))
  }
  return c.html(
    previewDocument(await previewMessage(c, store, picked.step, sampleCart(store.currency))),
  )
})

sequencePages.get('/sequences/:storeId/preview/:stepId', ...framed, async (c) => {
  const { store } = await storeOf(c, c.req.param('storeId'))
  const found = store.settings.sequence.find((s) => s.id === c.req.param('stepId'))
  const variant = c.req.query('variant')
  if (!found || (variant !== undefined && !variantIds(found).includes(variant))) {
    throw new AppError('NOT_FOUND', 'There is no such step.')
  }
  const step = asVariant(found, variant ?? null).step
  return c.html(previewDocument(await previewMessage(c, store, step, sampleCart(store.currency))))
})

// "Make this the only variant" (issue 15): the saved step takes that variant's content and its
// experiment ends; the history keeps it. Whatever else the form holds unsaved is not saved.
sequencePages.post('/sequences/:storeId/keep', ...signedIn, formFields, async (c) => {
  const found = await storeOf(c, c.req.param('storeId'))
  const { store } = found
  const raw = c.req.valid('form').keep
  const [stepId, variant] = typeof raw === 'string' ? raw.split(':') : []
  const kept = keepVariant(store.settings.sequence, stepId ?? '', variant ?? '')
  if ('refused' in kept) {
    return editor(c, found, { error: 'That step has no such variant any more.', status: 409 })
  }
  const { sequence } = kept
  const after = SettingsSchema.parse({ ...store.settings, sequence })
  const { settings, changes } = settingsChange(store.settings, after, Date.now(), experimentIds, {
    stepId: stepId ?? '',
    variant: variant ?? '',
  })
  await updateStore(c.env.DB, store.id, { settings }, changes)
  return c.redirect(`/sequences?store=${encodeURIComponent(store.id)}&kept=1`, 303)
})

sequencePages.post('/sequences/:storeId/test', ...signedIn, formFields, async (c) => {
  const found = await storeOf(c, c.req.param('storeId'))
  const { store } = found
  const body = c.req.valid('form')
  const forms = readStepForms(body, true)
  const testPhone = typeof body.testPhone === 'string' ? body.testPhone.slice(0, 40) : ''
  const picked = stepAt(body, 'test', forms, store.currency)
  const again = (v: View) => editor(c, found, { forms, testPhone, ...v })
  if (!picked.step) {
    return again({
      errors: picked.errors,
      error: 'Fix this step before sending a test.',
      status: 400,
    })
  }
  const step = picked.step
  const preview = await previewMessage(c, store, step, sampleCart(store.currency))
  const sent = await sendTest(c, store, step.id, preview, testPhone)
  if ('error' in sent) return again({ error: sent.error, status: sent.status })
  return again({ notice: sent.notice })
})
