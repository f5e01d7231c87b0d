import type { Context } from 'hono'
import { createAdapters } from '../../adapters'
import type { SendResult } from '../../adapters/types'
import { TEST_SEND_CART } from '../../db/messages'
import { writeMessageReports } from '../../db/projection'
import type { Store } from '../../db/stores'
import { senderFrom, smsFromOf } from '../../domain/store/settings'
import { normalizePhone } from '../../lib/contact'
import { newId } from '../../lib/ids'
import type { AppEnv } from '../env'
import { publicBase } from '../links'
import type { Preview } from '../preview-message'

type TestMessage = {
  channel: 'email' | 'sms'
  to: string
  subject?: string
  text: string
  html?: string
}

/** Sends a rendered step to the signed-in owner (email) or the number typed (text). */
export async function sendTest(
  c: Context<AppEnv>,
  store: Store,
  stepId: string,
  p: Preview,
  testPhone: string,
): Promise<{ notice: string } | { error: string; status: 400 | 409 }> {
  const adapters = createAdapters(c.env)
  const now = Date.now()
  const id = newId('msg')
  const key = { idempotencyKey: `test:${id}` }
  let m: TestMessage
  let provider: string
  let result: SendResult
  if (p.channel === 'email') {
    const from = senderFrom(store.settings.sender, store.name)
    const to = c.get('user')?.email ?? ''
    if (!from) return { error: 'Set the store’s sender email in Settings first.', status: 409 }
    m = { channel: 'email', to, subject: `[Test] ${p.subject}`, text: p.text, html: p.html }
    provider = adapters.email.provider
    result = await adapters.email.send(
      { from, to, subject: `[Test] ${p.subject}`, html: p.html, text: p.text },
      key,
    )
  } else {
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
    m = { channel: 'sms', to, text: p.text }
    provider = adapters.sms.provider
    result = await adapters.sms.send(
      {
        to,
        body: p.text,
        from: from ?? { number: 'outbox' },
        statusCallback: `${publicBase(c)}/webhooks/twilio/${store.id}/status`,
      },
      key,
    )
  }
  const [what, kind] = m.channel === 'email' ? ['email', 'email'] : ['text', 'SMS']
  if (!result.ok) return { error: `The test ${what} was not sent: ${result.message}`, status: 409 }
  await record(c, store, stepId, id, m, provider, result.providerId, now)
  const outbox = provider === 'outbox' ? ` (in the Outbox: no ${kind} provider is set).` : '.'
  return { notice: `Test ${what} sent to ${m.to}${outbox}` }
}

/** Keeps a test send with the store's messages, so the Outbox and the API show it. */
async function record(
  c: Context<AppEnv>,
  store: Store,
  stepId: string,
  id: string,
  m: TestMessage,
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
