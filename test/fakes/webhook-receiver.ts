// A merchant's webhook receiver on loopback (issue 16), as an integrator would write one: it
// verifies every delivery with the `standardwebhooks` package's own `Webhook.verify` (v1.3.0,
// the Standard Webhooks reference implementation for JavaScript) and answers as scripted.
//
// Each receiver is a path, `/hook/<name>`. Tests reach the controls over HTTP (workerd tests
// cannot share the Node objects): `POST /control/<name>` with `{ secret?, script? }` (answers
// to give, in order, then 200), `GET /got/<name>` for what arrived.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

/** One scripted answer: a status (and body), a wait before it, or no answer at all. */
export type Answer = { status: number; body?: string; delayMs?: number } | { hang: true }

/** One delivery as it arrived. */
export type Got = {
  id: string
  timestamp: string
  signature: string
  body: string
  /** The verifier's verdict with the secret the test gave; null when it gave none. */
  verified: boolean | null
  error: string | null
  /** What the receiver answered (null: it hung). */
  answered: number | null
}

type Hook = { secret?: string; script: Answer[]; got: Got[] }

export async function webhookReceiver() {
  const hooks = new Map<string, Hook>()
  const hook = (name: string) => {
    const h = hooks.get(name) ?? { script: [], got: [] }
    hooks.set(name, h)
    return h
  }
  const hung = new Set<ServerResponse>()
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => {
      body += c
    })
    req.on('end', () => handle(req, res, body))
  })

  function handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const [, kind, name = ''] = (req.url ?? '').split('/')
    if (kind === 'control' && req.method === 'POST') {
      const h = hook(name)
      const c = JSON.parse(body || '{}') as { secret?: string; script?: Answer[]; reset?: boolean }
      if (c.secret !== undefined) h.secret = c.secret
      if (c.script) h.script = [...c.script]
      if (c.reset) h.got = []
      return res.writeHead(204).end()
    }
    if (kind === 'got') {
      return res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(hook(name).got))
    }
    if (kind !== 'hook' || req.method !== 'POST') return res.writeHead(404).end()
    const h = hook(name)
    const header = (k: string) => String(req.headers[k] ?? '')
    const got: Got = {
      id: header('webhook-id'),
      timestamp: header('webhook-timestamp'),
      signature: header('webhook-signature'),
      body,
      verified: null,
      error: null,
      answered: null,
    }
    if (h.secret) {
      try {
        new Webhook(h.secret).verify(body, req.headers as Record<string, string>)
        got.verified = true
      } catch (err) {
        got.verified = false
        got.error = String(err)
      }
    }
    h.got.push(got)
    const answer = h.script.shift() ?? { status: 200 }
    if ('hang' in answer) {
      hung.add(res)
      return
    }
    const reply = () => {
      got.answered = answer.status
      res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body ?? 'ok')
    }
    if (answer.delayMs) setTimeout(reply, answer.delayMs)
    else reply()
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    hooks,
    hook,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hung) r.destroy()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
