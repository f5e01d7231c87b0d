/**
 * The storefront script (`/v1/cartback.js`): no dependencies, no eval. Configured by its tag:
 * `<script async src="https://<worker>/v1/cartback.js" data-store="pk_…"></script>`.
 * Keeps a first-party cart id, and sends cart, contact and order events to `/v1/events` with
 * sendBeacon (text/plain, no preflight), falling back to fetch with keepalive and a small retry
 * queue in localStorage. `window.Cartback` is the public API for any storefront.
 */

type Json = Record<string, unknown>

declare global {
  interface Navigator {
    globalPrivacyControl?: boolean
  }
  interface Window {
    Cartback?: {
      v: string
      cart(d: Json): void
      contact(d: Json): void
      order(d: Json): void
      id(): string
    }
  }
}

import { woocommerce } from './woocommerce'

const VERSION = '__VERSION__'
const ID = 'cartback_cart'
const QUEUE = 'cartback_queue'
const DEBOUNCE_MS = 400

;(() => {
  if (window.Cartback) return
  const tag = document.currentScript as HTMLScriptElement | null
  const store = tag?.dataset.store
  if (!tag || !store) return
  const endpoint = new URL('/v1/events', tag.src).href
  // The store can ask to honour Global Privacy Control: then nothing is tracked or sent.
  const off = tag.dataset.respectGpc !== undefined && navigator.globalPrivacyControl === true

  const storage = (() => {
    try {
      localStorage.setItem('cartback_t', '1')
      localStorage.removeItem('cartback_t')
      return localStorage
    } catch {
      return null
    }
  })()

  const read = (k: string) =>
    storage
      ? storage.getItem(k)
      : (document.cookie.match(new RegExp(`(?:^|; )${k}=([^;]*)`))?.[1] ?? null)
  const write = (k: string, v: string) => {
    if (storage) storage.setItem(k, v)
    else document.cookie = `${k}=${v}; path=/; max-age=31536000; samesite=lax`
  }

  function rotate() {
    cartId = newId()
    write(ID, cartId)
  }
  const newId = () => {
    const b = crypto.getRandomValues(new Uint8Array(16))
    return btoa(String.fromCharCode(...b))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '')
  }
  let cartId = read(ID) ?? ''
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(cartId)) {
    cartId = newId()
    write(ID, cartId)
  }

  const queued = (): Json[] => {
    try {
      return JSON.parse(storage?.getItem(QUEUE) ?? '[]') as Json[]
    } catch {
      return []
    }
  }
  const keep = (q: Json[]) => storage?.setItem(QUEUE, JSON.stringify(q.slice(-20)))

  const post = (body: Json) => {
    const data = JSON.stringify(body)
    if (navigator.sendBeacon?.(endpoint, new Blob([data], { type: 'text/plain' }))) return
    fetch(endpoint, {
      method: 'POST',
      body: data,
      keepalive: true,
      headers: { 'Content-Type': 'text/plain' },
    })
      .then((r) => {
        if (r.status >= 500 || r.status === 429) keep([...queued(), body])
      })
      .catch(() => keep([...queued(), body]))
  }

  const flushQueue = () => {
    const q = queued()
    keep([])
    for (const body of q) post(body)
  }

  // Bursts (quantity clicks, typing) collapse into one event per type.
  const pending: Record<string, Json> = {}
  let timer: ReturnType<typeof setTimeout> | undefined
  const flush = () => {
    clearTimeout(timer)
    for (const k of Object.keys(pending)) {
      post(pending[k] as Json)
      delete pending[k]
    }
  }
  const send = (type: string, data: Json, now = false) => {
    if (off) return
    // Merged one level deep: fields typed one after another (email, phone, name) all go out.
    const was = pending[type] ?? {}
    const merged: Json = { ...was }
    for (const [k, v] of Object.entries(data)) {
      merged[k] =
        v && typeof v === 'object' && !Array.isArray(v)
          ? { ...(was[k] as Json), ...(v as Json) }
          : v
    }
    pending[type] = { ...merged, store, cart: cartId, type, page: location.href }
    clearTimeout(timer)
    if (now) flush()
    else timer = setTimeout(flush, DEBOUNCE_MS)
  }

  // Leaving the page sends what is still waiting (sendBeacon survives the unload).
  addEventListener('pagehide', flush)
  addEventListener('online', flushQueue)
  flushQueue()

  window.Cartback = {
    v: VERSION,
    id: () => cartId,
    cart: (d) => send('cart', d),
    contact: (d) => send('contact', d),
    order: (d) => {
      send('order', d, true)
      // A new cart after an order: the next purchase is a new story.
      rotate()
    },
  }
  if (tag.dataset.platform === 'woocommerce' && !off) woocommerce(send, rotate, storage)
  dispatchEvent(new Event('cartback:ready'))
})()
