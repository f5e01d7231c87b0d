import { type Context, Hono } from 'hono'
import { channelModes } from '../../config'
import { type ConnectCodeView, issueConnectCode, pluginConnection } from '../../db/connect'
import {
  createStore,
  listStores,
  storeById,
  updateStore,
  woocommerceKeysStatus,
} from '../../db/stores'
import { checkSequence, shortLinkLength } from '../../domain/sequence/check'
import { settingsChange } from '../../domain/store/changes'
import { AppError } from '../../lib/errors'
import { experimentIds } from '../../lib/ids'
import { currencyExponent } from '../../lib/money'
import { NewStoreForm, type SecretState, SettingsPage } from '../../ui/dashboard/settings'
import type { AppEnv } from '../env'
import { publicBase } from '../links'
import { formFields } from '../validation'
import { render, signedIn } from './page'
import {
  DURATION_FIELDS,
  durationOf,
  readNewStore,
  readSection,
  SECTIONS,
  type Section,
} from './settings-form'

/** Dashboard: a store's settings, one form per section. */
export const settingsPages = new Hono<AppEnv>()

/** Which deployment secrets are set (never their values), and which providers are in use. */
function deployment(c: Context<AppEnv>) {
  const cfg = c.get('config')
  const modes = channelModes(cfg)
  const secrets: SecretState[] = [
    {
      name: 'ADMIN_API_TOKEN',
      set: Boolean(cfg.ADMIN_API_TOKEN),
      what: 'the JSON API’s admin bearer token',
    },
    {
      name: 'SIGNING_SECRET',
      set: Boolean(cfg.SIGNING_SECRET),
      what: 'signs restore links, sessions and forms',
    },
    {
      name: 'OWNER_EMAIL / OWNER_PASSWORD',
      set: Boolean(c.env.OWNER_EMAIL && c.env.OWNER_PASSWORD),
      what: 'the dashboard owner, created on first login',
    },
    {
      name: 'RESEND_API_KEY',
      set: Boolean(cfg.RESEND_API_KEY),
      what: 'sends email through Resend',
    },
    {
      name: 'RESEND_WEBHOOK_SECRET',
      set: Boolean(cfg.RESEND_WEBHOOK_SECRET),
      what: 'verifies Resend’s delivery, open and click events',
    },
    {
      name: 'TWILIO_ACCOUNT_SID',
      set: Boolean(cfg.TWILIO_ACCOUNT_SID),
      what: 'sends texts through Twilio',
    },
    {
      name: 'TWILIO_AUTH_TOKEN',
      set: Boolean(cfg.TWILIO_AUTH_TOKEN),
      what: 'sends texts and verifies Twilio’s webhooks',
    },
    { name: 'AI (binding)', set: Boolean(cfg.AI), what: 'Workers AI for text replies' },
  ]
  return {
    secrets,
    modes: {
      email: {
        provider: 'Resend',
        outbox: 'the dev outbox (no RESEND_API_KEY)',
        off: 'nowhere: switched off (EMAIL_ENABLED=false)',
      }[modes.email],
      sms: {
        provider: 'Twilio',
        outbox: 'the dev outbox (no Twilio account)',
        off: 'nowhere: switched off (SMS_ENABLED=false)',
      }[modes.sms],
      ai:
        cfg.AI_PROVIDER === 'workers-ai' && cfg.AI
          ? 'Workers AI, the model below'
          : 'the local responder (no AI binding here), from the same facts',
    },
  }
}

type Failed = {
  section: Section | 'new'
  values: Record<string, string>
  errors: Record<string, string>
}

type Shown = { failed?: Failed; notice?: string | undefined; connectCode?: ConnectCodeView }

async function settingsPage(
  c: Context<AppEnv>,
  storeId: string | undefined,
  { failed, notice, connectCode }: Shown = {},
) {
  const stores = await listStores(c.env.DB)
  const store = storeId ? stores.find((s) => s.id === storeId) : stores[0]
  if (!store && storeId) throw new AppError('NOT_FOUND', 'There is no such store.')
  if (!store) {
    // No store yet: the one thing to do here is to add one.
    if (failed) c.status(400)
    return render(
      c,
      <>
        <div class="head">
          <div>
            <h1>Settings</h1>
            <p class="sub">Add your first store to get its script tag and webhook URLs.</p>
          </div>
        </div>
        <NewStoreForm
          csrf={c.get('csrf') ?? ''}
          values={failed?.values ?? {}}
          errors={failed?.errors ?? {}}
          open
        />
      </>,
      { title: 'Settings', section: 'settings' },
    )
  }
  const units: Record<string, string> = {}
  // Durations as a number and a unit each (`<name>` and `<name>Unit`).
  for (const f of DURATION_FIELDS) {
    const [value, unit] = durationOf(store.settings, f) ?? ['7', 'days']
    units[f] = value
    units[`${f}Unit`] = unit
  }
  const inc = store.settings.ai.incentive
  if (inc) {
    const exp = currencyExponent(store.currency)
    units['ai.incentive.amount'] =
      inc.kind === 'percent' ? String(inc.amount) : (inc.amount / 10 ** exp).toFixed(exp)
  }
  if (failed) c.status(400)
  const woocommerceKeys = store.woocommerceApiConfigured
    ? await woocommerceKeysStatus(c.env.DB, store.id, c.get('config').SIGNING_SECRET)
    : 'not_set'
  return render(
    c,
    <SettingsPage
      stores={stores.map((s) => ({ id: s.id, name: s.name }))}
      store={store}
      woocommerceKeys={woocommerceKeys}
      values={failed?.values ?? {}}
      units={units}
      errors={failed?.errors ?? {}}
      section={failed?.section ?? null}
      base={publicBase(c)}
      {...deployment(c)}
      csrf={c.get('csrf') ?? ''}
      plugin={await pluginConnection(c.env.DB, store.id)}
      {...(notice ? { notice } : {})}
      {...(connectCode ? { connectCode } : {})}
    />,
    { title: 'Settings', section: 'settings' },
  )
}

settingsPages.get('/settings', ...signedIn, (c) => {
  const saved = c.req.query('saved')
  const section = SECTIONS.find((s) => s === saved)
  const notice =
    saved === 'new'
      ? 'Store created. Add the script tag below to its pages, then the webhooks.'
      : section
        ? 'Saved.'
        : undefined
  return settingsPage(c, c.req.query('store') || undefined, { notice })
})

settingsPages.post('/settings/new', ...signedIn, formFields, async (c) => {
  const body = c.req.valid('form')
  const read = readNewStore(body)
  if (!read.store) {
    const values: Record<string, string> = {}
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') values[k] = v
    return settingsPage(c, undefined, {
      failed: { section: 'new', values, errors: read.errors },
    })
  }
  const store = await createStore(c.env.DB, read.store)
  return c.redirect(`/settings?store=${encodeURIComponent(store.id)}&saved=new#install`, 303)
})

/** A one-time code for the WordPress plugin: shown on the page this once (never stored). */
settingsPages.post('/settings/:storeId/connect-code', ...signedIn, async (c) => {
  const stores = await listStores(c.env.DB)
  const store = stores.find((s) => s.id === c.req.param('storeId'))
  if (!store) throw new AppError('NOT_FOUND', 'There is no such store.')
  const connectCode = await issueConnectCode(c.env.DB, store.id)
  return settingsPage(c, store.id, {
    notice: 'Connect code issued: use it in WordPress within 10 minutes.',
    connectCode,
  })
})

settingsPages.post('/settings/:storeId', ...signedIn, formFields, async (c) => {
  const stores = await listStores(c.env.DB)
  const store = stores.find((s) => s.id === c.req.param('storeId'))
  if (!store) throw new AppError('NOT_FOUND', 'There is no such store.')
  const body = c.req.valid('form')
  const section = SECTIONS.find((s) => s === body.section)
  if (!section) throw new AppError('BAD_REQUEST', 'That is not a settings section.')
  const draft = readSection(section, body, store)
  // A new name changes every text: each must still fit two segments.
  if (draft.fields?.name && draft.fields.name !== store.name) {
    const problems = checkSequence(store.settings.sequence, {
      storeName: draft.fields.name,
      linkLength: shortLinkLength(publicBase(c)),
    })
    if (problems.length) {
      draft.errors.name = `With this name, step ${problems[0]?.stepId}'s text gets too long: shorten the text first.`
    }
  }
  if (Object.keys(draft.errors).length > 0) {
    const values: Record<string, string> = {}
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') values[k] = v
    return settingsPage(c, store.id, { failed: { section, values, errors: draft.errors } })
  }
  // Only the holdout's own section changes it (a new share starts a period, as over the API);
  // any other section writes the holdout and the sequence stored now, never the copies this
  // form was read with, so a period or an experiment started meanwhile is not turned back.
  if (draft.settings) {
    const fresh = (await storeById(c.env.DB, store.id))?.settings ?? store.settings
    const wanted =
      section === 'holdout'
        ? { ...fresh, holdout: draft.settings.holdout }
        : { ...draft.settings, holdout: fresh.holdout, sequence: fresh.sequence }
    const { settings, changes } = settingsChange(fresh, wanted, Date.now(), experimentIds)
    await updateStore(c.env.DB, store.id, { ...(draft.fields ?? {}), settings }, changes)
  } else {
    await updateStore(c.env.DB, store.id, { ...(draft.fields ?? {}) })
  }
  return c.redirect(
    `/settings?store=${encodeURIComponent(store.id)}&saved=${section}#${section}`,
    303,
  )
})
