/**
 * Rebuilds a restored cart in WooCommerce through the Store API, then goes to checkout. The
 * Store API wants a `Nonce` header on every POST (refreshed by each response) for a browser with
 * a session cookie, or a `Cart-Token` for a cookieless session: the script sends whichever the
 * last response gave. What could not be restored is told on the next page.
 */

import { type BeaconItem, restoreReport, type StoreApiCart, variationOf } from './map'
import { showNotice } from './notice'
import { KEY } from './storage'
import { cartApi } from './store-api'

/** What `GET /v1/restore/:token` answers. */
export type Restored = {
  cart: string
  currency: string | null
  items: BeaconItem[]
  incentive: { code: string } | null
}

export async function rebuild(data: Restored, checkout: string, rebuilt: () => void) {
  let nonce = ''
  let token = ''
  type Reply = { ok: boolean; cart: StoreApiCart | null; code: string; status: number }
  const once = async (path: string, body?: object): Promise<Reply> => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' }
    if (nonce) headers.Nonce = nonce
    else if (token) headers['Cart-Token'] = token
    const r = await fetch(cartApi(path), {
      method: body ? 'POST' : 'GET',
      credentials: 'same-origin',
      headers,
      body: body && JSON.stringify(body),
    })
    nonce = r.headers.get('Nonce') ?? nonce
    token = r.headers.get('Cart-Token') ?? token
    const json = await r.json().catch(() => null)
    return r.ok
      ? { ok: true, cart: json, code: '', status: r.status }
      : { ok: false, cart: null, code: String(json?.code ?? ''), status: r.status }
  }
  const call = async (path: string, body?: object): Promise<Reply> => {
    const first = await once(path, body)
    // A stale nonce (the page sat open for hours): refresh it with a read, then try once more.
    if (!body || (first.status !== 401 && first.status !== 403)) return first
    await once('')
    return once(path, body)
  }
  let { cart } = await call('')
  // Item id → the Store API's error code, for what could not be added.
  const failed: Record<string, string> = {}
  for (const item of data.items) {
    // The shopper may still have part of it in this browser's cart: add only what is missing.
    const have = cart?.items.find((i) => String(i.id) === item.id)?.quantity ?? 0
    if (have >= item.quantity) continue
    const id = Number(item.id)
    const r = Number.isInteger(id)
      ? await call('/add-item', {
          id,
          quantity: item.quantity - have,
          variation: variationOf(item.variant),
        })
      : { ok: false, cart: null, code: '' }
    if (r.ok && r.cart) cart = r.cart
    else failed[item.id] = r.code
  }
  let coupon: { code: string; applied: boolean } | null = null
  const code = data.incentive?.code
  if (code) {
    const applied = cart?.coupons?.some((c) => c.code.toLowerCase() === code.toLowerCase())
    const r = applied ? null : await call('/apply-coupon', { code })
    if (r?.cart) cart = r.cart
    coupon = { code, applied: r ? r.ok : true }
  }
  try {
    sessionStorage.setItem(KEY.notice, restoreReport(data.items, cart, failed, coupon).join(' '))
  } catch {}
  // The restore is the rebuild (never the link's GET, which scanners open): recorded only when
  // the Store API cart holds at least one of the link's items, not when every add-item failed.
  if (data.items.some((w) => cart?.items.some((i) => String(i.id) === w.id))) rebuilt()
  location.assign(checkout)
}
// cartback-restore.js: loaded by cartback.js on a restore landing, or on the page after one.
;(() => {
  const r = window.Cartback?.restored
  const broken = () => showNotice('Your cart could not be restored. Please try again.')
  if (r && 'cart' in r) return void rebuild(r, r.checkout, r.rebuilt).catch(broken)
  if (r) return showNotice(r.error?.message ?? 'This link no longer works.')
  try {
    const notice = sessionStorage.getItem(KEY.notice)
    sessionStorage.removeItem(KEY.notice)
    if (notice) showNotice(notice)
  } catch {}
})()
