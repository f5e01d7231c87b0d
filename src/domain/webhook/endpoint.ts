/**
 * What an endpoint may be: its URL (HTTPS in production; plain http only to this machine, and
 * only outside production), its description and the event types it wants.
 */
import { z } from 'zod'
import { EVENT_TYPES } from './events'

export const MAX_ENDPOINTS_PER_STORE = 20
export const MAX_URL_LENGTH = 2048

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/** Why `raw` cannot be an endpoint URL in this environment, or null when it can. */
export function endpointUrlProblem(raw: string, production: boolean): string | null {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'url must be an absolute URL'
  }
  if (raw.length > MAX_URL_LENGTH) return `url must be at most ${MAX_URL_LENGTH} characters`
  if (url.username || url.password) return 'url must not carry a user name or password'
  if (url.hash) return 'url must not have a #fragment'
  if (url.protocol === 'https:') return null
  if (url.protocol !== 'http:') return 'url must be https://'
  if (production) return 'url must be https:// in production'
  return LOOPBACK.has(url.hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname)
    ? null
    : 'url may be http:// only to localhost in development; use https://'
}

/** The event types asked for: known, at least one, each once (kept in the README's order). */
export const EventList = z
  .array(z.enum(EVENT_TYPES))
  .min(1, 'events must name at least one event type')
  .transform((list) => EVENT_TYPES.filter((t) => list.includes(t)))

export const Description = z.string().trim().max(200, 'description: at most 200 characters')
