import { zValidator } from '@hono/zod-validator'
import { Hono } from 'hono'
import { z } from 'zod'
import { normalizeEmail, normalizePhone } from '../../lib/contact'
import { csvField } from '../../lib/csv'
import { AppError } from '../../lib/errors'
import { contactStub } from '../../objects/stubs'
import type { AppEnv } from '../env'
import { invalid } from '../validation'
import { visibleStore } from './scope'

export const contacts = new Hono<AppEnv>()

const ExportQuery = z
  .object({
    email: z.string().max(320).optional(),
    phone: z.string().max(40).optional(),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .refine((q) => (q.email === undefined) !== (q.phone === undefined), 'give either email or phone')

const COLUMNS = [
  'channel',
  'address',
  'granted',
  'text',
  'at',
  'ip',
  'userAgent',
  'page',
  'cartId',
  'source',
] as const

// The consent evidence of one address: every record, as kept (4 years, apart from cart data).
contacts.get('/:storeId/consent', zValidator('query', ExportQuery, invalid), async (c) => {
  const q = c.req.valid('query')
  const store = await visibleStore(c, c.req.param('storeId'))
  const address = q.email
    ? normalizeEmail(q.email)
    : normalizePhone(q.phone ?? '', store.settings.defaultCountry)
  if (!address)
    throw new AppError(
      'BAD_REQUEST',
      `Invalid query: not a valid ${q.email ? 'email' : 'phone number'}.`,
    )
  const channel = q.email ? 'email' : 'sms'
  const records = (
    await contactStub(c.env.CONTACT, { storeId: store.id, channel, address }).ledger()
  ).map((r) => ({
    ...r,
    at: new Date(r.at).toISOString(),
  }))
  if (q.format === 'json') return c.json({ storeId: store.id, channel, address, records })
  const lines = [
    COLUMNS.join(','),
    ...records.map((r) => COLUMNS.map((k) => csvField(r[k])).join(',')),
  ]
  c.header('Content-Type', 'text/csv; charset=utf-8')
  c.header('Content-Disposition', `attachment; filename="consent-${channel}.csv"`)
  return c.body(`${lines.join('\r\n')}\r\n`)
})
