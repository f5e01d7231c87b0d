import { createApp } from './app'
import { writeCartReports } from './db/projection'
import type { CartReport } from './domain/cart/report'
import { log } from './lib/log'

export { CartObject } from './objects/cart-object'

const app = createApp()

export default {
  fetch: app.fetch,

  /** Reporting consumer: one D1 batch per Queue batch. A failure retries the whole batch. */
  async queue(batch, env) {
    const reports = batch.messages
      .map((m) => m.body)
      .filter((b): b is CartReport => typeof b === 'object' && b !== null && b.kind === 'cart')
    const written = await writeCartReports(env.DB, reports)
    log('info', 'reports written', { messages: batch.messages.length, carts: written })
    batch.ackAll()
  },
} satisfies ExportedHandler<Env, CartReport>
