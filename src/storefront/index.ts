/**
 * The storefront script (`/v1/cartback.js`): no dependencies, no eval. Configured by its tag:
 * `<script async src="https://<worker>/v1/cartback.js" data-store="pk_…"></script>`.
 * Keeps a first-party cart id, and sends cart, contact and order events to `/v1/events` with
 * sendBeacon (text/plain, no preflight), falling back to fetch with keepalive and a small retry
 * queue in localStorage. `window.Cartback` is the public API for any storefront.
 */

import type { StorefrontConfig } from '../domain/store/storefront'
import { reportRebuilt } from './rebuilt'
import type { Restored } from './restore'
import { cookie, forget, KEY, local, read, write } from './storage'

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
      /** The store's storefront settings, once loaded (the popup reads them). */
      config?: StorefrontConfig
      /** This page is a restore landing (cartback-woo.js leaves the cart alone there). */
      restoring?: boolean
      /**
       * A restore in progress (also the `cartback:restore` event's detail): the cart, or why
       * it failed. `rebuilt()` says the items are in the store's cart: only that records it.
       */
      restored?:
        | (Restored & { checkout: string; rebuilt(): void })
        | { error?: { message: string } }
    }
  }
}

const VERSION = '__VERSION__'
const POPUP_VERSION = '__POPUP_VERSION__'
const RESTORE_VERSION = '__RESTORE_VERSION__'
const WOO_VERSION = '__WOO_VERSION__'
const DEBOUNCE_MS = 400

;(() => {
  if (window.Cartback) return
  const tag = document.currentScript as HTMLScriptElement | null
  const store = tag?.dataset.store
  if (!tag || !store) return
  const url = (path: string) => new URL(path, tag.src).href
  const endpoint = url('/v1/events')
  const woo = tag.dataset.platform === 'woocommerce'
  const gpc = navigator.globalPrivacyControl === true
  // Global Privacy Control: honoured when the tag or the store's settings say so. With the
  // signal on, nothing leaves until the store's settings are known.
  let off = gpc && tag.dataset.respectGpc !== undefined
  let hold = gpc && !off

  const newId = () => {
    const b = crypto.getRandomValues(new Uint8Array(16))
    return btoa(String.fromCharCode(...b))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '')
  }
  // The id is also a first-party cookie, so the store's own checkout code can read it (the
  // `_cartback_cart` order meta of the README's WooCommerce snippet). Kept only for shoppers
  // who are tracked: with GPC, not before the store's settings say so.
  const setId = (id: string) => {
    cartId = id
    if (hold || off) return
    write(KEY.id, id)
    cookie(KEY.id, id)
  }
  let cartId = read(KEY.id) ?? ''
  setId(/^[A-Za-z0-9_-]{16,64}$/.test(cartId) ? cartId : newId())
  const rotate = () => {
    setId(newId())
    write(KEY.items, '0')
  }

  const queued = (): Json[] => {
    try {
      return JSON.parse(local?.getItem(KEY.queue) ?? '[]') as Json[]
    } catch {
      return []
    }
  }
  const keep = (q: Json[]) => {
    // A full quota loses the queue, never the event being sent.
    try {
      local?.setItem(KEY.queue, JSON.stringify(q.slice(-20)))
    } catch {}
  }
  const later = (body: Json) => keep([...queued(), body])

  const post = (body: Json) => {
    // Offline, sendBeacon still says yes and the browser drops the request: queue it instead.
    if (navigator.onLine === false) return later(body)
    const data = JSON.stringify(body)
    if (navigator.sendBeacon?.(endpoint, new Blob([data], { type: 'text/plain' }))) return
    fetch(endpoint, {
      method: 'POST',
      body: data,
      keepalive: true,
      headers: { 'Content-Type': 'text/plain' },
    })
      .then((r) => {
        if (r.status >= 500 || r.status === 429) later(body)
      })
      .catch(() => later(body))
  }

  const flushQueue = () => {
    if (off || hold) return
    const q = queued()
    keep([])
    for (const body of q) post(body)
  }

  // Bursts (quantity clicks, typing) collapse into one event per type.
  const pending: Record<string, Json> = {}
  let timer: ReturnType<typeof setTimeout> | undefined
  const flush = () => {
    clearTimeout(timer)
    if (hold) return
    for (const k of Object.keys(pending)) {
      if (!off) post(pending[k] as Json)
      delete pending[k]
    }
  }
  const send = (type: string, data: Json, now = false) => {
    if (off) return
    if (Array.isArray(data.items)) write(KEY.items, String(data.items.length))
    if ((data.contact as Json | undefined)?.phone) write(KEY.phone, '1')
    // Merged one level deep: fields typed one after another (email, phone, name) all go out.
    const was = pending[type] ?? {}
    const merged: Json = { ...was }
    for (const [k, v] of Object.entries(data)) {
      merged[k] =
        v && typeof v === 'object' && !Array.isArray(v)
          ? { ...(was[k] as Json), ...(v as Json) }
          : v
    }
    // The page without its query: an order-received URL's `?key=` opens the order's details.
    pending[type] = {
      ...merged,
      store,
      cart: cartId,
      type,
      page: location.origin + location.pathname,
    }
    clearTimeout(timer)
    if (now) flush()
    else timer = setTimeout(flush, DEBOUNCE_MS)
  }

  // Leaving the page sends what is still waiting (sendBeacon survives the unload).
  addEventListener('pagehide', flush)
  addEventListener('online', flushQueue)

  const api: NonNullable<Window['Cartback']> = {
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
  window.Cartback = api

  // Optional parts, each loaded only when a page needs it.
  const extra = (name: string, version: string) => {
    const s = document.createElement('script')
    s.async = true
    s.src = url(`/v1/${name}.js?v=${version}`)
    document.head.append(s)
  }

  // A restore link lands here with `cartback_restore=<token>`: adopt the cart it names, then
  // rebuild it (cartback-restore.js, WooCommerce) or hand it to the page (`cartback:restore`).
  // Never any personal data.
  const here = new URL(location.href)
  const token = here.searchParams.get('cartback_restore')
  api.restoring = token !== null
  if (token) {
    here.searchParams.delete('cartback_restore')
    history.replaceState(history.state, '', here.href)
    const failed = { error: { message: 'Your cart could not be restored. Please try again.' } }
    const report = url(`/v1/restore/${encodeURIComponent(token)}`)
    // The restore is the rebuild: reported once, when whoever rebuilt the cart says so (the
    // store's `cartback:restore` listener, or cartback-restore.js on WooCommerce once the Store
    // API has a line of it). Nobody calls it, nothing is recorded.
    let told = false
    const rebuilt = () => {
      if (!told) reportRebuilt(report)
      told = true
    }
    fetch(report)
      .then(async (r) => {
        const d = (await r.json()) as Restored & { error?: { message: string } }
        // Also kept on `Cartback.restored`, for page code that starts after the event.
        const checkout = tag.dataset.checkout ?? '/checkout/'
        const detail = { ...d, checkout, rebuilt }
        api.restored = r.ok ? detail : d
        if (r.ok) {
          setId(d.cart)
          dispatchEvent(new CustomEvent('cartback:restore', { detail }))
        }
        if (!r.ok || woo) extra('cartback-restore', RESTORE_VERSION)
      })
      .catch(() => {
        api.restored = failed
        extra('cartback-restore', RESTORE_VERSION)
      })
  } else {
    // A restore on the page before left a notice for this one (the shopper is now at checkout).
    try {
      if (sessionStorage.getItem(KEY.notice)) extra('cartback-restore', RESTORE_VERSION)
    } catch {}
  }

  const started = (config: StorefrontConfig | null) => {
    // Settings unreachable: a shopper who signals GPC is not tracked.
    if (gpc && (config?.respectGpc ?? true)) off = true
    hold = false
    flush()
    flushQueue()
    // Not tracked: nothing kept either (not even what was kept before GPC was turned on).
    if (off) {
      for (const k of [KEY.id, KEY.queue, KEY.items, KEY.phone]) forget(k)
      return
    }
    setId(cartId)
    if (config) api.config = config
    if (woo) extra('cartback-woo', WOO_VERSION)
    if (config?.popup) extra('cartback-popup', POPUP_VERSION)
  }
  fetch(url(`/v1/config/${encodeURIComponent(store)}`))
    .then((r) => (r.ok ? (r.json() as Promise<StorefrontConfig>) : null))
    .then(started, () => started(null))
  dispatchEvent(new Event('cartback:ready'))
})()
