import { applyD1Migrations } from 'cloudflare:test'
import { env } from 'cloudflare:workers'

// Real migrations, the same files `wrangler d1 migrations apply` reads.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
