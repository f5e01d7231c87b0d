import { Resend } from 'resend'
import { callSignal, isRetryableStatus, type ProviderCallOptions } from '../types'
import { type EmailSender, unsubscribeHeaders } from './types'

/**
 * Email through Resend's API with the official SDK. `baseUrl` points tests at a local fake.
 * Resend drops a repeated Idempotency-Key for 24 hours, so a retried send is safe, a timed-out
 * one included.
 */
export function resendEmail(
  opts: { apiKey: string; baseUrl?: string } & ProviderCallOptions,
): EmailSender {
  const client = new Resend(opts.apiKey, opts.baseUrl ? { baseUrl: opts.baseUrl } : undefined)
  return {
    provider: 'resend',
    idempotent: true,
    async send(message, { idempotencyKey }) {
      // The SDK hands `signal` to fetch and turns an abort into an error without a status.
      const signal = callSignal(opts)
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
        { idempotencyKey, signal },
      )
      if (data?.id) return { ok: true, providerId: data.id }
      if (signal.aborted)
        return { ok: false, retryable: true, code: 'timeout', message: 'Resend did not answer' }
      // The key's first request went through (its answer was lost to a timeout or crash) and this
      // retry differs from it: the settings changed in between. The email was sent; its id is not
      // known, so provider events will not find it. Never a failure, and never a second email.
      if (error?.name === 'invalid_idempotent_request')
        return { ok: true, providerId: `resend-key:${idempotencyKey}` }
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
