/**
 * Rebuilds a restored cart in WooCommerce through the Store API, then goes to checkout. The
 * Store API wants a `Nonce` header on every POST (refreshed by each response) for a browser with
 * a session cookie, or a `Cart-Token` for a cookieless session: the script sends whichever the
 * last response gave. What could not be restored is told on the next page.
 */

import { type BeaconItem, restoreReport, type StoreApiCart } from './map'
import { showNotice } from './notice'
import { KEY } from './storage'

/** What `GET /v1/restore/:token` answers. */
export type Restored = {
  cart: string
  currency: string | null
  items: BeaconItem[]
  incentive: { code: string } | null
}

const API = '/wp-json/wc/store/v1/cart'

export async function rebuild(data: Restored, checkout: string) {
  let nonce = ''
  let token = ''
  const call = async (path: string, body?: object): Promise<[boolean, StoreApiCart | null]> => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' }
    if (nonce) headers.Nonce = nonce
    else if (token) headers['Cart-Token'] = token
    const r = await fetch(API + path, {
      method: body ? 'POST' : 'GET',
      credentials: 'same-origin',
      headers,
      body: body && JSON.stringify(body),
    })
    nonce = r.headers.get('Nonce') ?? nonce
    token = r.headers.get('Cart-Token') ?? token
    return [r.ok, await r.json().catch(() => null)]
  }
  let [, cart] = await call('')
  const failed: string[] = []
  for (const item of data.items) {
    // The shopper may still have part of it in this browser's cart: add only what is missing.
    const have = cart?.items.find((i) => String(i.id) === item.id)?.quantity ?? 0
    if (have >= item.quantity) continue
    const id = Number(item.id)
    const [ok, next] = Number.isInteger(id)
      ? await call('/add-item', { id, quantity: item.quantity - have })
      : [false, null]
    if (ok && next) cart = next
    else failed.push(item.id)
  }
  let coupon: { code: string; applied: boolean } | null = null
  const code = data.incentive?.code
  if (code) {
    const applied = cart?.coupons?.some((c) => c.code.toLowerCase() === code.toLowerCase())
    const [ok, next] = applied ? [true, null] : await call('/apply-coupon', { code })
    if (next) cart = next
    coupon = { code, applied: ok }
  }
  try {
    sessionStorage.setItem(KEY.notice, restoreReport(data.items, cart, failed, coupon).join(' '))
  } catch {}
  location.assign(checkout)
}
// cartback-restore.js: loaded by cartback.js on a restore landing, or on the page after one.
;(() => {
  const r = window.Cartback?.restored
  if (r && 'cart' in r) return void rebuild(r, r.checkout)
  if (r) return showNotice(r.error?.message ?? 'This link no longer works.')
  try {
    const notice = sessionStorage.getItem(KEY.notice)
    sessionStorage.removeItem(KEY.notice)
    if (notice) showNotice(notice)
  } catch {}
})()
