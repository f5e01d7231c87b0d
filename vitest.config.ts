import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

const TEST_SECRETS = {
  APP_ENV: 'test',
  ADMIN_API_TOKEN: 'test-admin-token',
  SIGNING_SECRET: 'test-signing-secret-0123456789abcdef',
  OWNER_EMAIL: 'owner@example.com',
  OWNER_PASSWORD: 'test-owner-password',
  // Verifies Twilio's signatures; no account SID, so texts still go to the dev outbox.
  TWILIO_AUTH_TOKEN: 'test-twilio-token',
  PUBLIC_BASE_URL: 'https://cartback.test',
  RESEND_WEBHOOK_SECRET: `whsec_${Buffer.from('resend-webhook-secret-32-bytes!!').toString('base64')}`,
}

// Three layers (STYLE.md "Testing habits"): pure domain in Node, Worker code in workerd,
// and end-to-end over real HTTP against `wrangler dev`.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'domain',
          environment: 'node',
          include: [
            'src/domain/**/*.test.ts',
            'src/lib/**/*.test.ts',
            'src/adapters/email/*.test.ts',
            'src/adapters/sms/*.test.ts',
            'src/adapters/coupons/*.test.ts',
            'src/adapters/ai/*.test.ts',
            'test/node/**/*.test.ts',
          ],
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: './wrangler.test.jsonc' },
            miniflare: {
              // Set here, not only in wrangler.test.jsonc, so a developer's .dev.vars (written
              // by npm start) cannot replace the values the tests sign with.
              bindings: {
                ...TEST_SECRETS,
                TEST_MIGRATIONS: await readD1Migrations('./migrations'),
              },
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['src/**/*.test.ts', 'src/**/*.test.tsx'],
          exclude: [
            'src/domain/**',
            'src/lib/**',
            'src/adapters/email/**',
            'src/adapters/sms/**',
            'src/adapters/coupons/**',
            'src/adapters/ai/**',
          ],
          setupFiles: ['./test/apply-migrations.ts'],
          globalSetup: ['./test/fakes/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
})
