import { createApp } from './app'
import { benchEnv, counting } from './bench-mode'
import { writeCartReports, writeMessageReports } from './db/projection'
import type { CartReport, Report } from './domain/cart/report'
import type { MessageReport } from './domain/message/report'
import { sweepRetention } from './jobs/retention'
import { countQueueBatch, countWorkerRequest } from './lib/bench-counters'
import { log } from './lib/log'

export { CartObject } from './objects/cart-object'
export { ContactObject } from './objects/contact-object'
export { LoginThrottle } from './objects/login-throttle'
export { OrderObject } from './objects/order-object'
export { WebhookEndpoint } from './objects/webhook-endpoint'

const app = createApp()

export default {
  fetch(request, env, ctx) {
    if (!counting(env)) return app.fetch(request, env, ctx)
    // The bench's own reads of the tally are not the product's requests.
    if (!new URL(request.url).pathname.startsWith('/__bench/')) countWorkerRequest()
    return app.fetch(request, benchEnv(env), ctx)
  },

  /** Reporting consumer: one D1 batch per Queue batch. A failure retries the whole batch. */
  async queue(batch, bindings) {
    const env = benchEnv(bindings)
    if (counting(env)) countQueueBatch(batch.messages.length)
    const bodies = batch.messages.map((m) => m.body)
    const carts = bodies.filter((b): b is CartReport => b?.kind === 'cart')
    const messages = bodies.filter((b): b is MessageReport => b?.kind === 'message')
    const written = await writeCartReports(env.DB, carts)
    await writeMessageReports(env.DB, messages)
    log('info', 'reports written', {
      messages: bodies.length,
      carts: written,
      sent: messages.length,
    })
    batch.ackAll()
  },

  /** Hourly: erases carts past their store's retention (see jobs/retention.ts). */
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(sweepRetention(benchEnv(env), Date.now()))
  },
} satisfies ExportedHandler<Env, Report>
