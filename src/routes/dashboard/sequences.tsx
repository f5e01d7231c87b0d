import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { createAdapters } from '../../adapters'
import { TEST_SEND_CART } from '../../db/messages'
import { writeMessageReports } from '../../db/projection'
import { listStores, type Store, updateStore } from '../../db/stores'
import { checkSequence, shortLinkLength } from '../../domain/sequence/check'
import { StepSchema } from '../../domain/sequence/steps'
import { SettingsSchema, senderFrom, smsFromOf } from '../../domain/store/settings'
import { normalizePhone } from '../../lib/contact'
import { escapeHtml } from '../../lib/encoding'
import { AppError } from '../../lib/errors'
import { newId } from '../../lib/ids'
import { SequencesPage } from '../../ui/dashboard/sequences'
import type { AppEnv } from '../env'
import { publicBase } from '../links'
import { type Preview, previewMessage, sampleCart } from '../preview-message'
import { render, signedIn } from './page'
import {
  blankStep,
  type FormErrors,
  formOfStep,
  readStepForms,
  type StepForm,
  stepsOf,
} from './sequence-form'
import { requireCsrf, requireUser } from './session'

/** Dashboard: the sequence editor, its previews and test sends. */
export const sequencePages = new Hono<AppEnv>()

async function storeOf(c: Context<AppEnv>, id: string | undefined) {
  const stores = await listStores(c.env.DB)
  const store = id ? stores.find((s) => s.id === id) : stores[0]
  if (!store) {
    throw new AppError('NOT_FOUND', id ? 'There is no such store.' : 'Create a store first.')
  }
  return { stores, store }
}

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
    c.req.query('saved') ? { notice: 'Sequence saved.' } : {},
  ),
)

/** Too-long texts, pinned to the step's text field. */
function sequenceFits(c: Context<AppEnv>, store: Store, forms: StepForm[], errors: FormErrors) {
  const { steps } = stepsOf(forms, store.currency)
  if (!steps) return
  for (const problem of checkSequence(steps, {
    storeName: store.name,
    linkLength: shortLinkLength(publicBase(c)),
  })) {
    const i = forms.findIndex((f) => f.id === problem.stepId)
    errors[`s.${i}.body`] ??= `Too long: ${problem.message}.`
  }
}

sequencePages.post('/sequences/:storeId', ...signedIn, async (c) => {
  const found = await storeOf(c, c.req.param('storeId'))
  const { store } = found
  const body = await c.req.parseBody()
  const forms = readStepForms(body)
  const testPhone = typeof body.testPhone === 'string' ? body.testPhone.slice(0, 40) : ''
  // A step's channel changed: the form again with that channel's fields, nothing saved.
  if (body.refresh) return editor(c, found, { forms, testPhone })
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
  const updated = await updateStore(c.env.DB, store.id, {
    settings: SettingsSchema.parse({ ...store.settings, sequence: result.steps }),
  })
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

const DOC_STYLE =
  'body{margin:0;font:14px/1.45 system-ui,sans-serif;color:#0f172a;background:#f8fafc}' +
  '.bar{padding:10px 14px;background:#fff;border-bottom:1px solid #e2e8f0}.bar b{display:block}' +
  '.bar span{color:#64748b}.phone{padding:18px}.bubble{background:#e2e8f0;border-radius:16px;' +
  'padding:10px 14px;max-width:300px;white-space:pre-wrap;overflow-wrap:anywhere}' +
  '.meta{color:#475569;margin-top:10px}.bad{color:#b91c1c;padding:14px}.ok{color:#047857}'

const doc = (inner: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><style>${DOC_STYLE}</style></head><body>${inner}</body></html>`

/** The preview frame's document: the email itself under a subject bar, or the text bubble. */
function previewDocument(p: Preview): string {
  if (p.channel === 'email') {
    const bar = `<div class="bar"><b>${escapeHtml(p.subject)}</b><span>${escapeHtml(p.preheader)}</span></div>`
    const style = `<style>${DOC_STYLE}</style>`
    // Functions, not strings, as replacements: a subject such as "Save $15" has `$` patterns.
    return p.html
      .replace(/<head>/i, (head) => `${head}${style}`)
      .replace(/<body([^>]*)>/i, (body) => `${body}${bar}`)
  }
  if ('error' in p) {
    return doc(
      `<p class="bad">This text needs ${p.segments} segments even without the first name; at most 2 are allowed. Shorten it.</p>`,
    )
  }
  const worst = p.worstCase
  const fits = worst.segments <= p.maxSegments
  return doc(
    `<div class="phone"><div class="bubble">${escapeHtml(p.text)}</div>` +
      `<p class="meta">${p.units} ${p.encoding === 'GSM-7' ? 'characters' : 'UCS-2 units'} · ${p.encoding} · <b>${p.segments} segment${p.segments === 1 ? '' : 's'}</b> of ${p.maxSegments}</p>` +
      `<p class="meta ${fits ? 'ok' : 'bad'}">At its longest (long names, the link, the STOP line): ${worst.segments} segment${worst.segments === 1 ? '' : 's'}${fits ? '' : ' — too long to save'}</p></div>`,
  )
}

/** The one step a preview or test button names, validated alone. */
function stepAt(
  body: Record<string, unknown>,
  key: 'preview' | 'test',
  forms: StepForm[],
  currency: string,
) {
  const raw = body[key]
  const i = typeof raw === 'string' && /^\d{1,2}$/.test(raw) ? Number(raw) : -1
  const form = forms[i]
  if (!form) return { i, errors: { sequence: 'That step is not in the form.' } as FormErrors }
  const { steps, errors } = stepsOf([form], currency)
  const step = steps?.[0] && StepSchema.parse(steps[0])
  const mine: FormErrors = {}
  for (const [k, v] of Object.entries(errors)) mine[k.replace(/^s\.0\./, `s.${i}.`)] = v
  return step ? { i, step } : { i, errors: mine }
}

sequencePages.post('/sequences/:storeId/preview', ...framed, async (c) => {
  const { store } = await storeOf(c, c.req.param('storeId'))
  const body = await c.req.parseBody()
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
  const step = store.settings.sequence.find((s) => s.id === c.req.param('stepId'))
  if (!step) throw new AppError('NOT_FOUND', 'There is no such step.')
  return c.html(previewDocument(await previewMessage(c, store, step, sampleCart(store.currency))))
})

sequencePages.post('/sequences/:storeId/test', ...signedIn, async (c) => {
  const found = await storeOf(c, c.req.param('storeId'))
  const { store } = found
  const body = await c.req.parseBody()
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

/** Sends a rendered step to the signed-in owner (email) or the number typed (text). */
async function sendTest(
  c: Context<AppEnv>,
  store: Store,
  stepId: string,
  p: Preview,
  testPhone: string,
): Promise<{ notice: string } | { error: string; status: 400 | 409 }> {
  const adapters = createAdapters(c.env)
  const now = Date.now()
  const id = newId('msg')
  const key = `test:${id}`
  if (p.channel === 'email') {
    const from = senderFrom(store.settings.sender, store.name)
    const to = c.get('user')?.email ?? ''
    if (!from) return { error: 'Set the store’s sender email in Settings first.', status: 409 }
    const result = await adapters.email.send(
      { from, to, subject: `[Test] ${p.subject}`, html: p.html, text: p.text },
      { idempotencyKey: key },
    )
    if (!result.ok) return { error: `The test email was not sent: ${result.message}`, status: 409 }
    await record(
      c,
      store,
      stepId,
      id,
      { channel: 'email', to, subject: `[Test] ${p.subject}`, text: p.text, html: p.html },
      adapters.email.provider,
      result.providerId,
      now,
    )
    return {
      notice: `Test email sent to ${to}${adapters.email.provider === 'outbox' ? ' (in the Outbox: no email provider is set).' : '.'}`,
    }
  }
  if ('error' in p) return { error: 'This text is too long to send.', status: 400 }
  const to = normalizePhone(testPhone, store.settings.defaultCountry)
  if (!to) return { error: 'Type the phone number test texts should go to.', status: 400 }
  const from = smsFromOf(store.settings.sms)
  if (!from && adapters.sms.provider === 'twilio') {
    return {
      error: 'Set the store’s sending number or Messaging Service in Settings first.',
      status: 409,
    }
  }
  const result = await adapters.sms.send(
    {
      to,
      body: p.text,
      from: from ?? { number: 'outbox' },
      statusCallback: `${publicBase(c)}/webhooks/twilio/${store.id}/status`,
    },
    { idempotencyKey: key },
  )
  if (!result.ok) return { error: `The test text was not sent: ${result.message}`, status: 409 }
  await record(
    c,
    store,
    stepId,
    id,
    { channel: 'sms', to, text: p.text },
    adapters.sms.provider,
    result.providerId,
    now,
  )
  return {
    notice: `Test text sent to ${to}${adapters.sms.provider === 'outbox' ? ' (in the Outbox: no SMS provider is set).' : '.'}`,
  }
}

/** Keeps a test send with the store's messages, so the Outbox and the API show it. */
async function record(
  c: Context<AppEnv>,
  store: Store,
  stepId: string,
  id: string,
  m: { channel: 'email' | 'sms'; to: string; subject?: string; text: string; html?: string },
  provider: string,
  providerId: string,
  now: number,
) {
  await writeMessageReports(c.env.DB, [
    {
      kind: 'message',
      id,
      storeId: store.id,
      cartId: TEST_SEND_CART,
      stepId: `test:${stepId}`,
      channel: m.channel,
      to: m.to,
      status: m.channel === 'email' ? 'sent' : 'accepted',
      subject: m.subject ?? null,
      preheader: null,
      text: m.text,
      html: m.html ?? null,
      provider,
      providerId,
      error: null,
      createdAt: now,
      updatedAt: now,
    },
  ])
}
