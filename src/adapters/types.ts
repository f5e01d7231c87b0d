/** What every adapter returns: provider failures are values, not exceptions. */
export type SendResult =
  | { ok: true; providerId: string }
  | { ok: false; retryable: boolean; code: string; message: string }

/** Maps an HTTP status from a provider to retryable or not: 429, 5xx and no answer retry. */
export function isRetryableStatus(status: number | null): boolean {
  return status === null || status === 408 || status === 409 || status === 429 || status >= 500
}
