/** What every adapter returns: provider failures are values, not exceptions. */
export type SendResult =
  | { ok: true; providerId: string }
  | { ok: false; retryable: boolean; code: string; message: string }

/**
 * How long one provider call (Resend, Twilio, WooCommerce, Workers AI) may take before it is
 * given up. A hung provider must not hold a cart's outbox: a timed-out call is a failure the
 * caller classifies (retryable, or an unknown outcome for Twilio). Factories take `timeoutMs`
 * to override it in tests.
 */
export const PROVIDER_TIMEOUT_MS = 10_000

/** Options every provider adapter factory takes. */
export type ProviderCallOptions = {
  /** Abort a call after this long; {@link PROVIDER_TIMEOUT_MS} by default. */
  timeoutMs?: number
}

/** A signal that aborts after the adapter's timeout. */
export function callSignal(opts: ProviderCallOptions): AbortSignal {
  return AbortSignal.timeout(opts.timeoutMs ?? PROVIDER_TIMEOUT_MS)
}

/** Maps an HTTP status from a provider to retryable or not: 429, 5xx and no answer retry. */
export function isRetryableStatus(status: number | null): boolean {
  return status === null || status === 408 || status === 409 || status === 429 || status >= 500
}

/**
 * A development sink, not for production: keeps each message in `sent` and reports it sent
 * (config.ts refuses sinks in production). The email and SMS outboxes are this, typed.
 */
export function outboxSender<M>(): {
  readonly provider: 'outbox'
  readonly idempotent: true
  sent: M[]
  send(message: M, opts: { idempotencyKey: string }): Promise<SendResult>
} {
  const sent: M[] = []
  return {
    provider: 'outbox',
    idempotent: true,
    sent,
    async send(message, { idempotencyKey }) {
      sent.push(message)
      return { ok: true, providerId: `outbox:${idempotencyKey}` }
    },
  }
}
