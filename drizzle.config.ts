import { defineConfig } from 'drizzle-kit'

// `npm run db:generate` writes SQL migrations here; wrangler and the tests apply them.
export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './migrations',
})
