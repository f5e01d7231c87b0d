/**
 * Posts one signed event to a merchant's endpoint, as the Standard Webhooks specification
 * describes: `webhook-id`, `webhook-timestamp` (seconds) and `webhook-signature` (`v1,<base64>`,
 * one per secret, space-separated during a rotation). Signing is the `standardwebhooks` package's
 * own (`Webhook.sign`), not code of ours.
 */
import { Webhook } from 'standardwebhooks'

/** The most of a receiver's answer kept in the delivery log. */
export const RESPONSE_SNIPPET_BYTES = 512

/** How an attempt went: the receiver's status (null: no answer), its first bytes, the time. */
export type PostResult = { status: number | null; response: string; latencyMs: number }

/** The headers of one delivery of `body` as event `id` at `now`, signed with each secret. */
export function signedHeaders(
  id: string,
  body: string,
  secrets: readonly string[],
  now: number,
): Record<string, string> {
  const at = new Date(Math.floor(now / 1000) * 1000)
  const signature = secrets.map((s) => new Webhook(s).sign(id, at, body)).join(' ')
  return {
    'content-type': 'application/json',
    'user-agent': 'Cartback-Webhooks/1.0',
    'webhook-id': id,
    'webhook-timestamp': String(at.getTime() / 1000),
    'webhook-signature': signature,
  }
}

/**
 * Sends the request and reads at most the first bytes of the answer; a receiver that has not
 * answered within `timeoutMs` has failed. Redirects are not followed (a 3xx is a failure): the
 * signature was made for this URL's owner. Never throws.
 */
export async function postSigned(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  clock: () => number = Date.now,
): Promise<PostResult> {
  const started = clock()
  const signal = AbortSignal.timeout(timeoutMs)
  try {
    const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal })
    const response = await firstBytes(res)
    return { status: res.status, response, latencyMs: clock() - started }
  } catch (err) {
    const timedOut = signal.aborted
    const response = timedOut
      ? `no answer within ${timeoutMs / 1000} s`
      : `not reached: ${why(err)}`
    return { status: null, response, latencyMs: clock() - started }
  }
}

async function firstBytes(res: Response): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < RESPONSE_SNIPPET_BYTES) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.length
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    all.set(c, at)
    at += c.length
  }
  return new TextDecoder().decode(all.slice(0, RESPONSE_SNIPPET_BYTES))
}

function why(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  return text.slice(0, 200)
}
