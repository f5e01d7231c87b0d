import type { Settings } from '../domain/store/settings'

/** A store as the API and the routes see it (never the drizzle row). */
export type Store = {
  id: string
  name: string
  url: string
  currency: string
  publishableKey: string
  allowedOrigins: string[]
  woocommerceWebhookSecret: string
  restoreUrlTemplate: string | null
  /** Whether coupon keys are set (their values never leave the database). */
  woocommerceApiConfigured: boolean
  settings: Settings
  /** The event types its webhook endpoints take (issue 16); none when it has no endpoint. */
  webhookEvents: string[]
  createdAt: string
  updatedAt: string
}
