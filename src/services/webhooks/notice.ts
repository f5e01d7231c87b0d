import type { Adapters } from '../../adapters'
import { ownerEmail } from '../../db/auth'
import { storeById } from '../../db/stores'
import type { DeliveryConfig } from '../../db/webhooks'
import { senderFrom } from '../../domain/store/settings'
import { GIVE_UP_AFTER_MS } from '../../domain/webhook/retry'
import { escapeHtml } from '../../lib/encoding'
import { log } from '../../lib/log'
import { messageIdFor } from '../delivery/codes'

const WHY = {
  gone: 'it answered 410 Gone, which asks senders to stop',
  failing: `it has failed every delivery for ${GIVE_UP_AFTER_MS / 86_400_000} days`,
} as const

/**
 * Tells the owner that an endpoint was disabled, by email from the store's sender, once per
 * disabling (its idempotency key). Listed with every email Cartback sends (the dev outbox too).
 */
export async function notifyDisabled(
  env: Env,
  adapters: Adapters,
  config: DeliveryConfig,
  reason: keyof typeof WHY,
  now: number,
): Promise<void> {
  const [owner, store] = await Promise.all([ownerEmail(env.DB), storeById(env.DB, config.storeId)])
  // The dashboard's owner; before anyone signed in, the address the deployment names.
  const to = owner ?? env.OWNER_EMAIL ?? null
  const from = store ? senderFrom(store.settings.sender, store.name) : null
  if (!to || !from || !store) {
    log('warn', 'disabled endpoint: no owner email or sender address', { endpoint: config.id })
    return
  }
  const text = [
    `Cartback disabled a webhook endpoint of ${store.name}: ${WHY[reason]}.`,
    `Endpoint: ${config.url} (${config.id})`,
    '',
    'Events keep being recorded for it. Once the receiver works again, enable the endpoint in',
    'Settings → Webhooks (or PATCH it with {"enabled": true}) and redeliver what it missed',
    '("Redeliver since…", or POST …/redeliver {"since": "<time>"}).',
  ].join('\n')
  const subject = `${store.name}: a webhook endpoint was disabled`
  const email = {
    from,
    to,
    subject,
    text,
    html: `<pre style="font:14px/1.5 ui-monospace,monospace;white-space:pre-wrap">${escapeHtml(text)}</pre>`,
  }
  const key = `webhook-disabled:${config.id}:${now}`
  const r = await adapters.email.send(email, { idempotencyKey: key })
  if (!r.ok) log('warn', 'disabled endpoint email not sent', { code: r.code })
  await adapters.reports.publish({
    kind: 'message',
    id: await messageIdFor(key),
    storeId: config.storeId,
    cartId: '-',
    stepId: 'webhook_disabled',
    channel: 'email',
    to,
    status: r.ok ? 'sent' : 'failed',
    subject,
    preheader: null,
    text,
    html: email.html,
    provider: adapters.email.provider,
    providerId: r.ok ? r.providerId : null,
    error: r.ok ? null : r.code,
    createdAt: now,
    updatedAt: now,
  })
}
