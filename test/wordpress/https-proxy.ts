// Cartback behind HTTPS on 127.0.0.1, for WooCommerce's app authorization, which posts the REST
// keys only to an https callback_url (WC_Auth::make_validation). A self-signed certificate for
// the IP address, made with the `openssl` CLI, and a Node https server that forwards every
// request to the Worker; the WordPress under test trusts the certificate (SiteOptions.trust).
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type TlsCert = { cert: string; key: string }

/** A self-signed certificate for 127.0.0.1 (subjectAltName IP), valid for a day. */
export function selfSigned(): TlsCert {
  const dir = mkdtempSync(join(tmpdir(), 'cartback-tls-'))
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
    return {
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export type HttpsProxy = { url: string; port: number; stop(): Promise<void> }

// The proxy runs in its own process: the tests call WordPress synchronously (Site.php), and a
// proxy on the test's own event loop could not answer WordPress's calls to Cartback meanwhile.
const PROXY = `
const { request } = require('node:http')
const { createServer } = require('node:https')
const target = process.env.TARGET
const server = createServer({ cert: process.env.CERT, key: process.env.KEY }, (req, res) => {
  const to = new URL(req.url || '/', target)
  const out = request(to, { method: req.method, headers: { ...req.headers, host: to.host } }, (answer) => {
    res.writeHead(answer.statusCode || 502, answer.headers)
    answer.pipe(res)
  })
  out.on('error', () => { res.writeHead(502); res.end() })
  req.pipe(out)
})
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'))
`

/** Listens on `https://127.0.0.1:<port>` and forwards each request to `target` (an http URL). */
export async function httpsProxy(tls: TlsCert, target: string, port: number): Promise<HttpsProxy> {
  const child = spawn(process.execPath, ['-e', PROXY], {
    env: { ...process.env, CERT: tls.cert, KEY: tls.key, TARGET: target, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve())
    child.once('exit', (code) => reject(new Error(`the https proxy exited (${code})`)))
  })
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
