// View models of carts, messages and stats: what the API returns and the pages render. Built
// by db/ queries and by views/cart-detail.ts from an object's state; ui/ renders only these.
import type { CartStatus } from '../domain/cart/types'

/** A cart row as the list API returns it. */
export type CartSummary = {
  storeId: string
  cartId: string
  status: CartStatus
  currency: string
  total: number
  itemCount: number
  hasEmail: boolean
  hasPhone: boolean
  createdAt: string
  updatedAt: string
  lastActivityAt: string
  /** When the cart noticed it was abandoned (its alarm ran). */
  abandonedAt?: string
  /** The inactivity deadline it was abandoned for; `abandonedAt` minus this is how late it was. */
  abandonDueAt?: string
  restoredAt?: string
  recoveredAt?: string
  recoveredRevenue?: number
  orderId?: string
}

/** A list row for the dashboard: the summary plus the contact (to mask) and sequence progress. */
export type CartListRow = CartSummary & {
  email: string | null
  phone: string | null
  channels: ('email' | 'sms')[]
  stepId: string | null
  stepsDone: number
  stepsTotal: number
  /** Its holdout arm and period (null: in no experiment). */
  experimentArm: 'holdout' | 'messaged' | null
  experimentPeriod: string | null
}

/** Money by ISO currency, in minor units. */
type Money = Record<string, number>
export type Recovered = { count: number; revenue: Money }

export type Stats = {
  from: string
  to: string
  carts: { tracked: number; abandoned: number; converted: number; byStatus: Record<string, number> }
  abandonmentRate: number | null
  recovered: Recovered & {
    /** Credited to a message of this channel; "none": recovered without a message close enough. */
    byChannel: Record<string, Recovered>
    byStep: Record<string, Recovered & { channel: string | null }>
  }
  recoveryRate: number | null
}

/** A message as the API returns it (DESIGN §6 `Message`). */
export type MessageView = {
  id: string
  storeId: string
  cartId: string
  step: string
  channel: 'email' | 'sms'
  to: string
  status: string
  subject?: string
  preheader?: string
  text: string
  html?: string
  provider: string
  providerId?: string
  error?: string
  createdAt: string
  updatedAt: string
  /** Provider events, the first time each happened. */
  deliveredAt?: string
  openedAt?: string
  clickedAt?: string
  /** The step's variant this message was, and its experiment (issue 15), when it had one. */
  variant?: string
  experiment?: string
}
