// The WordPress side of the plugin's end-to-end test: the plugin's PHP run by `php` through
// test/php/plugin-harness.php (admin actions, connect, privacy) and test/php/checkout-harness.php
// (the order meta), and WooCommerce's delivery of an order webhook the plugin created.
import { execFileSync, spawnSync } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname

/** The site the harness stands for (its home_url). */
export const SITE = 'https://wp.example'

export const hasPhp = spawnSync('php', ['--version']).status === 0

/** What WC_Webhook was given (the harness's stand-in records it). */
export type Webhook = {
  id: number
  name: string
  user_id: number
  topic: string
  delivery_url: string
  secret: string
  api_version: string
  status: string
}

/** One harness run: the command's result, the admin redirect and notice, the site's state. */
export type Run<T = unknown> = {
  result: T
  redirect: string | null
  notice: [string, string] | null
  html: string | null
  state: {
    options: Record<string, unknown>
    webhooks: Record<string, Webhook>
    queries: string[]
  }
}

/** What a WordPress personal-data exporter returns. */
export type Exported = {
  data: { group_id: string; item_id: string; data: { name: string; value: string }[] }[]
  done: boolean
}

/** What a WordPress personal-data eraser returns. */
export type Erased = {
  items_removed: boolean
  items_retained: boolean
  messages: string[]
  done: boolean
}

/** One admin request: `php plugin-harness.php <args>` on the site's state file. */
export function wp<T = unknown>(stateFile: string, ...args: string[]): Run<T> {
  const out = execFileSync('php', [join(root, 'test/php/plugin-harness.php'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, CARTBACK_HARNESS_STATE: stateFile },
  })
  return JSON.parse(out) as Run<T>
}

/** The order meta the plugin's classic checkout code writes (test/php/checkout-harness.php). */
export function checkoutMeta(scenario: object): Record<string, string> {
  const out = execFileSync(
    'php',
    [
      join(root, 'test/php/checkout-harness.php'),
      JSON.stringify({ checkout: 'classic', ...scenario }),
    ],
    { encoding: 'utf8' },
  )
  return (JSON.parse(out) as { meta: Record<string, string> }).meta
}

/**
 * `WC_Webhook::deliver` for an order resource: JSON, the topic headers, and the signature
 * base64(HMAC-SHA256(body, secret)) with the secret the plugin set on the webhook.
 */
export function deliver(hook: Webhook, order: object): Promise<Response> {
  const body = JSON.stringify(order)
  const [resource, event] = hook.topic.split('.') as [string, string]
  return fetch(hook.delivery_url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-WC-Webhook-Source': `${SITE}/`,
      'X-WC-Webhook-Topic': hook.topic,
      'X-WC-Webhook-Resource': resource,
      'X-WC-Webhook-Event': event,
      'X-WC-Webhook-ID': String(hook.id),
      'X-WC-Webhook-Signature': createHmac('sha256', hook.secret).update(body).digest('base64'),
    },
    body,
  })
}
