/**
 * WooCommerce capture, on when the tag says `data-platform="woocommerce"`: the cart is read from
 * the Store API after every change (Blocks and classic events), checkout fields are sent as the
 * shopper leaves them, and the order-received page reports the order.
 */

import { type StoreApiCart, toBeaconCart } from './map'

type Send = (type: string, data: Record<string, unknown>, now?: boolean) => void

const FIELDS: Record<string, [string, string]> = {
  // Classic checkout
  '#billing_email': ['email', 'contact'],
  '#billing_phone': ['phone', 'contact'],
  '#billing_first_name': ['firstName', 'contact'],
  '#billing_last_name': ['lastName', 'contact'],
  // Blocks checkout
  '#email': ['email', 'contact'],
  '#billing-phone': ['phone', 'contact'],
  '#shipping-phone': ['phone', 'contact'],
  '#billing-first_name': ['firstName', 'contact'],
  '#billing-last_name': ['lastName', 'contact'],
  '#shipping-first_name': ['firstName', 'contact'],
}

const TOTAL = 'cartback_total'

export function woocommerce(send: Send, newCart: () => void, store: Storage | null) {
  const sync = () =>
    fetch('/wp-json/wc/store/v1/cart', { credentials: 'same-origin' })
      .then((r) => (r.ok ? (r.json() as Promise<StoreApiCart>) : null))
      .then((cart) => {
        if (!cart) return
        const beacon = toBeaconCart(cart)
        // A visitor who never had anything in the cart is not a cart: send nothing. An emptied
        // cart is sent (it stops the sequence).
        if (beacon.items.length === 0 && !store?.getItem(TOTAL)) return
        store?.setItem(TOTAL, String(beacon.total))
        send('cart', beacon)
      })
      .catch(() => {})

  // Blocks dispatch DOM events; the classic theme triggers jQuery events on the body.
  for (const e of ['wc-blocks_added_to_cart', 'wc-blocks_removed_from_cart'])
    document.body.addEventListener(e, sync)
  const $ = (
    window as unknown as { jQuery?: (el: unknown) => { on(ev: string, fn: () => void): void } }
  ).jQuery
  $?.(document.body).on(
    'added_to_cart removed_from_cart updated_cart_totals updated_checkout',
    sync,
  )

  const field = (ev: Event) => {
    const el = ev.target as HTMLInputElement
    for (const selector of Object.keys(FIELDS)) {
      if (!el.matches?.(selector) || !el.value) continue
      const [key] = FIELDS[selector] as [string, string]
      send('contact', { contact: { [key]: el.value.trim() } })
    }
  }
  document.addEventListener('change', field, true)
  document.addEventListener('focusout', field, true)

  const placed = /\/checkout\/order-received\/(\d+)/.exec(location.pathname)
  if (placed) {
    send('order', { order: { id: placed[1], total: Number(store?.getItem(TOTAL) ?? 0) } }, true)
    store?.removeItem(TOTAL)
    newCart()
  } else sync()
}
