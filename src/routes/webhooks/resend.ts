import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import { verifySvix } from '../../adapters/email/verify-svix'
import { recordMessageEvent, resendMessage } from '../../db/messages'
import { suppress } from '../../db/suppressions'
import { AppError } from '../../lib/errors'
import { cartStub } from '../../objects/stubs'
import type { AppEnv } from '../env'
import { describeIssues, parseJsonText, tooLarge } from '../validation'

export const resend = new Hono<AppEnv>()

// Resend's event type → the message's status, and the column stamped with its time. Maps, not
// object literals: a signed event typed `constructor` or `__proto__` is just an unknown type.
// `email.clicked` is not here: mail scanners click every tracked link, so it would mark steps
// clicked that nobody opened. The click that counts is the restore (the store rebuilt the cart).
const EVENTS = new Map<string, { status: string; stamp?: 'delivered_at' | 'opened_at' }>([
  ['email.sent', { status: 'sent' }],
  ['email.delivered', { status: 'delivered', stamp: 'delivered_at' }],
  ['email.delivery_delayed', { status: 'delivery_delayed' }],
  ['email.opened', { status: 'opened', stamp: 'opened_at' }],
  ['email.bounced', { status: 'bounced' }],
  ['email.complained', { status: 'complained' }],
])
// A status only moves forward: a late "delivered" does not hide a bounce (or the `clicked` of a
// message from before clicks were ignored).
const RANK = new Map([
  ['sent', 0],
  ['delivery_delayed', 1],
  ['delivered', 2],
  ['opened', 3],
  ['clicked', 4],
  ['bounced', 5],
  ['complained', 6],
])

const ResendEvent = z.object({
  type: z.string().max(64),
  created_at: z.string().optional(),
  data: z.object({ email_id: z.string().min(1).max(100) }).loose(),
})

// Resend's delivery events: verify the Svix signature over the raw body, then record the event
// on the message, suppress on bounce or complaint, and tell the cart (its timeline).
resend.post('/', bodyLimit(tooLarge(256 * 1024)), async (c) => {
  const secret = c.get('config').RESEND_WEBHOOK_SECRET
  const body = await c.req.text()
  const ok = secret
    ? await verifySvix(
        secret,
        {
          id: c.req.header('svix-id'),
          timestamp: c.req.header('svix-timestamp'),
          signature: c.req.header('svix-signature'),
        },
        body,
        Date.now(),
      )
    : false
  if (!ok) throw new AppError('UNAUTHORIZED', 'Invalid or missing Svix signature.')
  const parsed = ResendEvent.safeParse(parseJsonText(body))
  if (!parsed.success)
    throw new AppError('BAD_REQUEST', `Invalid event: ${describeIssues(parsed.error)}`)
  const known = EVENTS.get(parsed.data.type)
  if (!known) return c.json({ ok: true, ignored: parsed.data.type })
  const { status, stamp } = known

  const message = await resendMessage(c.env.DB, parsed.data.data.email_id)
  // Not ours (another app on the same Resend account) or already erased: acknowledge, do nothing.
  if (!message) return c.json({ ok: true, matched: false })

  const now = Date.now()
  const at =
    parsed.data.created_at && Number.isFinite(Date.parse(parsed.data.created_at))
      ? Date.parse(parsed.data.created_at)
      : now
  const forward = (RANK.get(status) ?? 0) >= (RANK.get(message.status) ?? -1)
  await recordMessageEvent(c.env.DB, {
    id: message.id,
    status: forward ? status : null,
    stamp,
    at,
    now,
  })
  if (status === 'bounced' || status === 'complained') {
    await suppress(c.env.DB, {
      storeId: message.storeId,
      channel: 'email',
      address: message.to,
      source: `resend_${status}`,
    })
  }
  await cartStub(c.env.CART, {
    storeId: message.storeId,
    cartId: message.cartId,
  }).noteMessageEvent({
    messageId: message.id,
    step: message.step,
    event: status,
    at,
  })
  return c.json({ ok: true, matched: true, status })
})
