import { Resend } from 'resend'
import { isRetryableStatus } from '../types'
import { type EmailSender, unsubscribeHeaders } from './types'

/**
 * Email through Resend's API with the official SDK. `baseUrl` points tests at a local fake.
 * Resend drops a repeated Idempotency-Key for 24 hours, so a retried send is safe.
 */
export function resendEmail(opts: { apiKey: string; baseUrl?: string }): EmailSender {
  const client = new Resend(opts.apiKey, opts.baseUrl ? { baseUrl: opts.baseUrl } : undefined)
  return {
    provider: 'resend',
    idempotent: true,
    async send(message, { idempotencyKey }) {
      const { data, error } = await client.emails.send(
        {
          from: message.from,
          to: message.to,
          subject: message.subject,
          html: message.html,
          text: message.text,
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
          ...(message.unsubscribeUrl
            ? { headers: unsubscribeHeaders(message.unsubscribeUrl) }
            : {}),
        },
        { idempotencyKey },
      )
      if (data?.id) return { ok: true, providerId: data.id }
      const status = error && 'statusCode' in error ? (error.statusCode as number | null) : null
      return {
        ok: false,
        retryable: isRetryableStatus(status ?? null),
        code: error?.name ?? 'unknown_error',
        // Provider text stays in logs and the outbox row, never in a prompt or a page.
        message: error?.message ?? 'Resend returned no id',
      }
    },
  }
}
