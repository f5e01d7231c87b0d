import type { EventType } from '../domain/webhook/events'

/** A webhook endpoint as the API and the dashboard show it (never its secret). */
export type Endpoint = {
  id: string
  storeId: string
  url: string
  description: string
  events: EventType[]
  /** Contact details are sent unmasked. */
  includeContact: boolean
  status: 'enabled' | 'disabled'
  /** Why it was disabled: `merchant`, `gone` (the receiver answered 410) or `failing`. */
  disabledReason: string | null
  disabledAt: string | null
  /** While a rotation lasts, the previous secret still signs, until this time. */
  previousSecretUntil: string | null
  createdAt: string
  updatedAt: string
}

/** One delivery attempt, as the delivery log shows it. */
export type Attempt = {
  id: number
  eventId: string
  eventType: string
  at: string
  /** The receiver's HTTP status; null when it did not answer (timeout, refused connection). */
  status: number | null
  ok: boolean
  latencyMs: number
  /** The first bytes of the receiver's answer, or why there was none. */
  response: string
  /** Sent by "Send test event", or by a redelivery the merchant asked for. */
  trigger: 'event' | 'retry' | 'redeliver' | 'test'
}

/** One event an endpoint was sent (or holds), with where its delivery stands. */
export type EndpointEvent = {
  id: string
  type: string
  timestamp: string
  state: 'pending' | 'delivered' | 'failed'
  attempts: number
  nextAttemptAt: string | null
}
