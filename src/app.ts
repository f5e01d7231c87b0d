import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { secureHeaders } from 'hono/secure-headers'
import { getConfig } from './config'
import { AppError, codeForStatus, type ErrorCode, errorBody } from './lib/errors'
import { newId } from './lib/ids'
import { log } from './lib/log'
import { api } from './routes/api'
import { bench } from './routes/bench'
import { connect } from './routes/connect'
import { dashboard } from './routes/dashboard'
import { pageError } from './routes/dashboard/page'
import { demo } from './routes/demo'
import type { AppEnv } from './routes/env'
import { events } from './routes/events'
import { restore } from './routes/restore'
import { script } from './routes/script'
import { storefrontConfigRoute } from './routes/storefront-config'
import { unsubscribe } from './routes/unsubscribe'
import { resend } from './routes/webhooks/resend'
import { twilio } from './routes/webhooks/twilio'
import { woocommerce } from './routes/webhooks/woocommerce'

/** The Worker's HTTP app: global middleware, error mapping and every route group. */
export function createApp() {
  const app = new Hono<AppEnv>()

  app.use(async (c, next) => {
    const started = performance.now()
    c.set('requestId', newId('req'))
    c.set('config', getConfig(c.env))
    await next()
    c.header('X-Request-Id', c.get('requestId'))
    // Time in the Worker (Workers' clock moves on I/O: D1 and object calls count, as on the
    // edge); `npm run bench` reads it for the dashboard pages.
    c.header('Server-Timing', `app;dur=${(performance.now() - started).toFixed(1)}`)
  })
  app.use(
    secureHeaders({
      crossOriginResourcePolicy: false,
      referrerPolicy: 'no-referrer',
    }),
  )

  app.get('/healthz', (c) => c.json({ ok: true }))
  app.get('/favicon.ico', (c) => c.body(null, 204))
  app.route('/v1', events)
  app.route('/v1', script)
  app.route('/v1', storefrontConfigRoute)
  app.route('/v1', connect)
  app.route('/', restore)
  app.route('/', unsubscribe)
  app.route('/webhooks/woocommerce', woocommerce)
  app.route('/webhooks/twilio', twilio)
  app.route('/webhooks/resend', resend)
  app.route('/api/v1', api)
  app.route('/demo', demo)
  app.route('/__bench', bench)
  app.route('/', dashboard)

  app.notFound((c) => {
    const requestId = c.get('requestId') ?? 'req_none'
    return c.json(errorBody('NOT_FOUND', 'No such route.', requestId), 404)
  })

  app.onError((err, c) => {
    const requestId = c.get('requestId') ?? 'req_none'
    let code: ErrorCode = 'INTERNAL'
    let message = 'Something went wrong on our side.'
    let status = 500
    if (err instanceof AppError) {
      code = err.code
      message = err.message
      status = err.status
    } else if (err instanceof HTTPException && err.status < 500) {
      // A refusal from a Hono middleware (csrf, body limit…): the caller's fault, said as such.
      status = err.status
      code = codeForStatus(status)
      message = err.message || 'The request was refused.'
    }
    if (status >= 500)
      log('error', 'request failed', { requestId, code, error: String(err), stack: err.stack })
    if (c.get('page')) return pageError(c, status, message)
    const res = c.json(errorBody(code, message, requestId), status as 500)
    res.headers.set('X-Request-Id', requestId)
    return res
  })

  return app
}
