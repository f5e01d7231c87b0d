// Optional settings and secrets `wrangler types` cannot see (they are set per deployment with
// `wrangler secret put` or --var; see README "Configuration" and src/config.ts).
interface Env {
  PUBLIC_BASE_URL?: string
  EMAIL_ENABLED?: string
  SMS_ENABLED?: string
  RESEND_API_KEY?: string
  RESEND_BASE_URL?: string
  RESEND_WEBHOOK_SECRET?: string
  TWILIO_ACCOUNT_SID?: string
  TWILIO_AUTH_TOKEN?: string
  TWILIO_BASE_URL?: string
  /** "workers-ai" or "local"; see src/config.ts. (The AI binding itself comes from wrangler.jsonc.) */
  AI_PROVIDER?: string
  /** Seconds an anonymous active cart's item changes may wait to be reported together; see src/config.ts. */
  REPORT_WAIT_SECONDS?: string
  /** Bench-only flags, comma-separated; refused in production (src/config.ts). */
  BENCH_MODE?: string
}
