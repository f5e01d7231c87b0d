/** What every adapter returns: provider failures are values, not exceptions. */
export type SendResult =
  | { ok: true; providerId: string }
  | { ok: false; retryable: boolean; code: string; message: string }
