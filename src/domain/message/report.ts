/** A message as the reporting pipeline stores it (D1 `messages`), fully rendered. */
export type MessageReport = {
  kind: 'message'
  id: string
  storeId: string
  cartId: string
  stepId: string
  channel: 'email' | 'sms'
  to: string
  /**
   * sent (email), accepted (handed to Twilio, which then reports queued … delivered), failed,
   * or unknown: a text Twilio may have taken (being sent, or no answer: a timeout, a 5xx, a
   * crash). Its status callback settles it; it is never resent.
   */
  status: 'sent' | 'accepted' | 'failed' | 'unknown'
  subject: string | null
  preheader: string | null
  text: string
  html: string | null
  provider: string
  providerId: string | null
  error: string | null
  createdAt: number
  updatedAt: number
  /** The step's variant this message was, and its experiment (issue 15); absent: none. */
  variant?: string | null
  experiment?: string | null
}
