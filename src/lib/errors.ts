import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'

/** HTTP status for every error code we return. The enum is closed: add a code here first. */
export const STATUS = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  BAD_ENVIRONMENT: 500,
  PROVIDER_UNAVAILABLE: 503,
} as const satisfies Record<string, ContentfulStatusCode>

export type ErrorCode = keyof typeof STATUS

/** The code for a 4xx status a library chose (BAD_REQUEST for one the enum does not name). */
export function codeForStatus(status: number): ErrorCode {
  const hit = (Object.keys(STATUS) as ErrorCode[]).find((k) => STATUS[k] === status)
  return hit ?? 'BAD_REQUEST'
}

/** An error meant for the caller: the code and message are safe to show. */
export class AppError extends HTTPException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    opts?: { cause?: unknown },
  ) {
    super(STATUS[code], { message, cause: opts?.cause })
  }
}

/** The JSON error envelope every route returns. */
export type ErrorBody = { error: { code: ErrorCode; message: string; requestId: string } }

export function errorBody(code: ErrorCode, message: string, requestId: string): ErrorBody {
  return { error: { code, message, requestId } }
}
