import type { Context } from 'hono'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { z } from 'zod'
import { verifyTwilioSignature } from '../../adapters/sms/verify-signature'
import { settleTwilioStatus } from '../../db/messages'
import { cachedStoreById } from '../../db/stores'
import { contactPolicy } from '../../domain/store/settings'
import { normalizePhone } from '../../lib/contact'
import { AppError } from '../../lib/errors'
import { contactStub } from '../../objects/stubs'
import type { AppEnv } from '../env'
import { publicBase } from '../links'
import { parseOrThrow, tooLarge } from '../validation'

export const twilio = new Hono<AppEnv>()

const StatusCallback = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'a Twilio message SID'),
  MessageStatus: z.enum([
    'accepted',
    'queued',
    'sending',
    'sent',
    'delivered',
    'undelivered',
    'failed',
  ]),
  ErrorCode: z.string().max(10).optional(),
})

/** Our message id, which we put in the status callback URL (`statusCallbackUrl`). */
const CallbackQuery = z.object({
  m: z
    .string()
    .regex(/^msg_[A-Za-z0-9]{1,32}$/, 'a Cartback message id')
    .optional(),
})

const Inbound = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'a Twilio message SID'),
  From: z.string().min(3).max(40),
  Body: z.string().max(1600).default(''),
})

/**
 * Verifies Twilio's signature over the public URL of this request (its query string included,
 * as Twilio signs it) and every posted parameter.
 */
async function verified(c: Context<AppEnv>): Promise<Record<string, string>> {
  const token = c.get('config').TWILIO_AUTH_TOKEN
  const params = Object.fromEntries(new URLSearchParams(await c.req.text()))
  // Twilio signs the URL it was given, query string included.
  const { pathname, search } = new URL(c.req.url)
  const url = `${publicBase(c)}${pathname}${search}`
  if (
    !token ||
    !(await verifyTwilioSignature(token, url, params, c.req.header('x-twilio-signature')))
  ) {
    throw new AppError('UNAUTHORIZED', 'Invalid or missing X-Twilio-Signature.')
  }
  return params
}

/**
 * Both webhooks begin alike: Twilio's signature before anything else (one Twilio account signs
 * for every store), then the store (from the short per-isolate cache, as beacons read it: a
 * settings change reaches other isolates within seconds), then the form as `schema` reads it
 * (400 `Invalid <what>`).
 */
async function signedForm<S extends z.ZodType>(c: Context<AppEnv>, schema: S, what: string) {
  const params = await verified(c)
  const store = await cachedStoreById(c.env.DB, c.req.param('storeId') ?? '')
  if (!store) throw new AppError('NOT_FOUND', 'Unknown store.')
  return { store, form: parseOrThrow(schema, params, what) }
}

// A shopper's text: signature, then the form, then the contact object keeps it; Twilio gets an
// empty TwiML response while the contact object answers through the REST API.
twilio.post('/:storeId', bodyLimit(tooLarge(64 * 1024)), async (c) => {
  const { store, form } = await signedForm(c, Inbound, 'message')
  const from = normalizePhone(form.From, store.settings.defaultCountry)
  if (!from) throw new AppError('BAD_REQUEST', 'Invalid message: From is not a phone number.')
  const ref = { storeId: store.id, channel: 'sms' as const, address: from }
  // Kept durably in the shopper's contact object, which handles it right after from its alarm
  // (keywords, opt-outs, the AI's answer through the REST API): Twilio gets its answer at once.
  await contactStub(c.env.CONTACT, ref).receive(
    ref,
    { sid: form.MessageSid, body: form.Body, at: Date.now() },
    contactPolicy(store, publicBase(c)),
  )
  return c.body('<?xml version="1.0" encoding="UTF-8"?><Response/>', 200, {
    'Content-Type': 'text/xml',
  })
})

// Delivery status of a text we sent: signature first, then the form, then one guarded UPDATE
// (`settleTwilioStatus`: by SID, or by our id in the URL when we never learnt the SID).
twilio.post('/:storeId/status', bodyLimit(tooLarge(64 * 1024)), async (c) => {
  const { store, form } = await signedForm(c, StatusCallback, 'status callback')
  const query = parseOrThrow(CallbackQuery, c.req.query(), 'status callback')
  const { MessageSid, MessageStatus, ErrorCode } = form
  const updated = await settleTwilioStatus(c.env.DB, {
    storeId: store.id,
    sid: MessageSid,
    messageId: query.m ?? null,
    status: MessageStatus,
    error: ErrorCode ? `twilio_${ErrorCode}` : null,
    at: Date.now(),
  })
  return c.json({ ok: true, updated })
})
