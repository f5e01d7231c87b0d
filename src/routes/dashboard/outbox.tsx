import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { listMessages, outboxEmailHtml } from '../../db/messages'
import { listStores } from '../../db/stores'
import { AppError } from '../../lib/errors'
import { OutboxPage } from '../../ui/dashboard/outbox'
import type { AppEnv } from '../env'
import { refuse } from '../validation'
import { render, signedIn } from './page'
import { EMAIL_FRAME_CSP } from './sequences'
import { requireUser } from './session'

/** Dashboard: the dev outbox. */
export const outboxPages = new Hono<AppEnv>()

const Query = z.object({
  store: z.string().max(64).default(''),
  channel: z.enum(['email', 'sms']).or(z.literal('')).default(''),
  before: z
    .string()
    .regex(/^\d{1,15}:msg_[\w-]{1,40}$/)
    .optional(),
})

const PAGE = 20

const validQuery = zValidator('query', Query, refuse('That outbox filter is not valid.'))

outboxPages.get('/outbox', ...signedIn, validQuery, async (c) => {
  const { store, channel, before } = c.req.valid('query')
  const stores = await listStores(c.env.DB)
  if (store && !stores.some((s) => s.id === store)) {
    throw new AppError('BAD_REQUEST', 'There is no such store.')
  }
  const [at, id] = before ? before.split(':') : []
  const messages = await listMessages(c.env.DB, {
    storeIds: store ? [store] : null,
    provider: 'outbox',
    ...(channel ? { channel } : {}),
    ...(at && id ? { before: { createdAt: Number(at), id } } : {}),
    limit: PAGE + 1,
  })
  const page = messages.slice(0, PAGE)
  const last = page.at(-1)
  const next =
    messages.length > PAGE && last
      ? new URLSearchParams({
          ...(store ? { store } : {}),
          ...(channel ? { channel } : {}),
          before: `${Date.parse(last.createdAt)}:${last.id}`,
        }).toString()
      : null
  const cfg = c.get('config')
  return render(
    c,
    <OutboxPage
      stores={stores.map((s) => ({ id: s.id, name: s.name }))}
      store={store}
      channel={channel}
      messages={page}
      next={next}
      modes={{
        email: cfg.RESEND_API_KEY ? 'Resend (only older local messages are here)' : 'this outbox',
        sms: cfg.TWILIO_ACCOUNT_SID && cfg.TWILIO_AUTH_TOKEN ? 'Twilio' : 'this outbox',
      }}
    />,
    { title: 'Outbox', section: 'outbox' },
  )
})

// An outbox email's HTML alone, for its sandboxed frame (no script; its own inline styles).
outboxPages.get('/outbox/:id/html', requireUser(), async (c) => {
  const html = await outboxEmailHtml(c.env.DB, c.req.param('id'))
  if (!html) throw new AppError('NOT_FOUND', 'There is no such email in the outbox.')
  return c.html(html, 200, {
    'Content-Security-Policy': EMAIL_FRAME_CSP,
    'X-Frame-Options': 'SAMEORIGIN',
    'Cache-Control': 'no-store',
  })
})
