import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { checkLogin, createSession, endSession, ensureOwner, sessionUser } from '../../db/auth'
import { armCounts } from '../../db/experiments'
import { overview } from '../../db/overview'
import { stats } from '../../db/stats'
import { listStores } from '../../db/stores'
import { incrementalOf } from '../../domain/experiment/incremental'
import { loginThrottleStub } from '../../objects/stubs'
import { LoginPage } from '../../ui/dashboard/login'
import { OverviewPage } from '../../ui/dashboard/overview'
import type { AppEnv } from '../env'
import { invalid } from '../validation'
import { cartPages } from './carts'
import { experimentPages } from './experiments'
import { outboxPages } from './outbox'
import { page, render, signedIn } from './page'
import { sequencePages } from './sequences'
import {
  clearSession,
  forged,
  loginCsrf,
  loginCsrfValid,
  SESSION_TTL_MS,
  sessionIdOf,
  startSession,
  trustDevice,
  trustedDevice,
} from './session'
import { settingsPages } from './settings'
import { tokenPages } from './tokens'
import { webhookPages } from './webhooks'

/**
 * The merchant dashboard, server-rendered (DESIGN §6): login, overview, API tokens. Pages get a
 * strict CSP with a per-response nonce; forms behind login carry a CSRF token.
 */
export const dashboard = new Hono<AppEnv>()

/** A local path to go back to after login (never another site). */
const safeNext = (next: unknown) =>
  typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/'

dashboard.get('/login', ...page, async (c) => {
  await ensureOwner(c.env.DB, c.env.OWNER_EMAIL, c.env.OWNER_PASSWORD)
  // Already signed in (a live session, not just a validly signed cookie): straight on.
  const id = await sessionIdOf(c)
  if (id && (await sessionUser(c.env.DB, id))) return c.redirect(safeNext(c.req.query('next')), 303)
  return render(c, <LoginPage csrf={await loginCsrf(c)} next={safeNext(c.req.query('next'))} />, {
    title: 'Log in',
  })
})

const waitText = (seconds: number) =>
  seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`

const LoginForm = z.object({
  email: z.string().trim().max(254),
  password: z.string().max(1024),
  next: z.string().max(2048).optional(),
  _csrf: z.string().max(200),
})

// A form that does not parse is refused like one without its token: nothing in it is used.
const loginForm = zValidator('form', LoginForm, (result, c) => {
  if (!result.success) return forged(c)
})

dashboard.post('/login', ...page, loginForm, async (c) => {
  const { email, password, next, _csrf } = c.req.valid('form')
  if (!(await loginCsrfValid(c, _csrf))) return forged(c)
  const again = async (status: 401 | 429, error: string) => {
    c.status(status)
    return render(
      c,
      <LoginPage csrf={await loginCsrf(c)} next={safeNext(next)} email={email} error={error} />,
      { title: 'Log in' },
    )
  }
  const ip = c.req.header('cf-connecting-ip') ?? 'unknown'
  const { success } = await c.env.LOGIN_LIMITER.limit({ key: `${ip}:${email.toLowerCase()}` })
  if (!success) return again(429, 'Too many attempts. Wait a minute and try again.')
  // Per account as well, whatever the address: the try counts before the password is checked.
  // A browser that signed in to this account before counts in a lane of its own (per device),
  // so guesses from elsewhere cannot lock the owner out, and a stolen device cookie still meets
  // a lock of its own.
  const device = await trustedDevice(c, email)
  const throttle = loginThrottleStub(
    c.env.LOGIN_THROTTLE,
    device ? `${email}#device:${device}` : email,
  )
  const turn = await throttle.begin(Date.now())
  if (!turn.allowed) {
    const seconds = Math.ceil(turn.retryAfterMs / 1000)
    c.header('Retry-After', String(seconds))
    return again(
      429,
      `Too many failed attempts for this account. Try again in ${waitText(seconds)}.`,
    )
  }
  await ensureOwner(c.env.DB, c.env.OWNER_EMAIL, c.env.OWNER_PASSWORD)
  const user = await checkLogin(c.env.DB, email, password)
  if (!user) return again(401, 'That email and password do not match.')
  await throttle.succeeded()
  await trustDevice(c, email)
  const session = await createSession(c.env.DB, user.id, SESSION_TTL_MS)
  await startSession(c, session.id, session.expiresAt)
  return c.redirect(safeNext(next), 303)
})

dashboard.post('/logout', ...signedIn, async (c) => {
  const id = c.get('sessionId')
  if (id) await endSession(c.env.DB, id)
  clearSession(c)
  return c.redirect('/login', 303)
})

const DAY = 86_400_000
const day = (t: number) => new Date(t).toISOString().slice(0, 10)
const OverviewQuery = z.object({
  store: z.string().max(64).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
})
// A filter that does not parse shows the default range, never an error page.
const overviewQuery = zValidator('query', OverviewQuery.catch({}), invalid)

dashboard.get('/', ...signedIn, overviewQuery, async (c) => {
  const query = c.req.valid('query')
  const stores = await listStores(c.env.DB)
  const store = stores.find((s) => s.id === query.store)?.id ?? null
  // Whole UTC days, `to` included; at most 400 days.
  const toDay = query.to ? Date.parse(query.to) : Date.parse(day(Date.now()))
  let fromDay = query.from ? Date.parse(query.from) : toDay - 29 * DAY
  if (fromDay > toDay || toDay - fromDay > 399 * DAY) fromDay = toDay - 29 * DAY
  const from = fromDay
  const to = toDay + DAY
  const ids = store ? [store] : null
  const chosen = stores.find((st) => st.id === store)
  const period = chosen?.settings.holdout.period ?? null
  const [s, o, arms] = await Promise.all([
    stats(c.env.DB, { storeIds: ids, from, to }),
    overview(c.env.DB, { storeIds: ids, from, to }),
    chosen && period
      ? armCounts(c.env.DB, { storeId: chosen.id, period, from, to, currency: chosen.currency })
      : null,
  ])
  const holdout =
    chosen && period && arms
      ? {
          storeId: chosen.id,
          storeName: chosen.name,
          percent: chosen.settings.holdout.percent,
          figures: incrementalOf({ period, currency: chosen.currency, ...arms }),
        }
      : chosen
        ? { storeId: chosen.id, storeName: chosen.name, percent: 0, figures: null }
        : null
  return render(
    c,
    <OverviewPage
      stores={stores.map((st) => ({ id: st.id, name: st.name }))}
      store={store}
      from={day(from)}
      to={day(toDay)}
      stats={s}
      days={o.days}
      valueAtRisk={o.valueAtRisk}
      funnel={o.funnel}
      holdout={holdout}
    />,
    { title: 'Overview', section: 'overview' },
  )
})

dashboard.route('/', cartPages)
dashboard.route('/', sequencePages)
dashboard.route('/', experimentPages)
dashboard.route('/', settingsPages)
dashboard.route('/', outboxPages)
dashboard.route('/', tokenPages)
dashboard.route('/', webhookPages)
