/**
 * WooCommerce capture (`/v1/cartback-woo.js`), loaded by cartback.js when the tag says
 * `data-platform="woocommerce"` and the shopper is tracked. It reports through the public API
 * (`window.Cartback`), like any storefront: the cart is read from the Store API after every
 * change (Blocks and classic events), checkout fields are sent as the shopper leaves them, an SMS
 * consent checkbox sits beside the phone field (unless the store has its own), and the
 * order-received page reports the order.
 */

import { type StoreApiCart, toBeaconCart } from './map'
import { forget, read, write } from './storage'
import { cartApi } from './store-api'

type Send = (type: 'cart' | 'contact', data: Record<string, unknown>) => void

const FIELDS: Record<string, string> = {
  // Classic checkout
  '#billing_email': 'email',
  '#billing_phone': 'phone',
  '#billing_first_name': 'firstName',
  '#billing_last_name': 'lastName',
  // Blocks checkout
  '#email': 'email',
  '#billing-phone': 'phone',
  '#shipping-phone': 'phone',
  '#billing-first_name': 'firstName',
  '#billing-last_name': 'lastName',
  '#shipping-first_name': 'firstName',
}

const TOTAL = 'cartback_total'
const PHONES = ['#billing_phone', '#billing-phone', '#shipping-phone']

/** The page's globals as the script reads them: any of them may be missing or half there. */
type Page = {
  // The emoji script, wp-hooks and wp-i18n leave `window.wp` without `data` (issue 11).
  wp?: {
    data?: {
      subscribe?(fn: () => void): unknown
      select?(
        store: string,
      ): { getCartData?(): { items?: { key: string; quantity: number }[] } } | undefined
    }
  }
  jQuery?: unknown
}
const page = window as unknown as Page

/**
 * Runs one part of the capture. Parts share nothing that can throw: a page whose globals are not
 * what the part expects loses that part, never the cart, the fields, the consent or the order.
 */
function safely(name: string, fn: () => void) {
  try {
    fn()
  } catch (e) {
    console.warn(`Cartback: ${name} skipped`, e)
  }
}

/** The cart from the Store API after every change (Blocks and classic events). */
function watchCart(send: Send, syncNow: boolean) {
  const sync = () =>
    Promise.resolve()
      .then(() => fetch(cartApi(), { credentials: 'same-origin' }))
      .then((r) => (r.ok ? (r.json() as Promise<StoreApiCart>) : null))
      .then((cart) => {
        if (!cart) return
        const beacon = toBeaconCart(cart)
        // A visitor who never had anything in the cart is not a cart: send nothing. An emptied
        // cart is sent once (it stops the sequence).
        if (beacon.items.length === 0 && !read(TOTAL)) return
        if (beacon.items.length) write(TOTAL, String(beacon.total))
        else forget(TOTAL)
        send('cart', beacon)
      })
      .catch(() => {})
  if (syncNow) sync()

  // Blocks dispatch DOM events; the classic theme triggers jQuery events on the body.
  safely('Blocks events', () => {
    for (const e of ['wc-blocks_added_to_cart', 'wc-blocks_removed_from_cart'])
      document.body.addEventListener(e, sync)
  })
  safely('jQuery events', () => {
    const $ = page.jQuery
    if (typeof $ === 'function')
      $(document.body).on(
        'added_to_cart removed_from_cart updated_cart_totals updated_checkout',
        sync,
      )
  })
  // Blocks cart quantity changes raise no DOM event: watch the cart in the Blocks data store.
  safely('wp.data', () => {
    const data = page.wp?.data
    if (typeof data?.subscribe !== 'function') return
    const lines = () => {
      try {
        return JSON.stringify(
          data
            .select?.('wc/store/cart')
            ?.getCartData?.()
            ?.items?.map((i) => [i.key, i.quantity]),
        )
      } catch {
        return ''
      }
    }
    let seen = lines()
    // Never throws: a listener's exception would stop the store's other listeners.
    data.subscribe(() => {
      const now = lines()
      if (now === seen) return
      seen = now
      sync()
    })
  })
}

/** Checkout fields, sent as the shopper leaves or changes them, whichever node holds them now. */
function watchFields(send: Send, consent: string | null, ticked: () => boolean) {
  const field = (ev: Event) => {
    const el = ev.target as HTMLInputElement
    for (const selector of Object.keys(FIELDS)) {
      if (!el.matches?.(selector) || typeof el.value !== 'string' || !el.value) continue
      const key = FIELDS[selector] as string
      send('contact', {
        contact: { [key]: el.value.trim() },
        // A number changed after the box was ticked: the consent follows the new number.
        ...(key === 'phone' && ticked() ? { consent: { sms: true, text: consent } } : {}),
      })
    }
  }
  document.addEventListener('change', field, true)
  document.addEventListener('focusout', field, true)
}

/** The order id on an order-received page: pretty permalinks (any slug) or plain ones. */
const placedOrder = () =>
  /\/order-received\/(\d+)/.exec(location.pathname)?.[1] ??
  new URLSearchParams(location.search).get('order-received')

function woocommerce(cb: NonNullable<Window['Cartback']>) {
  const send: Send = (type, d) => cb[type](d)
  const consent = cb.config?.consent ?? null
  let placed: string | null = null
  safely('order', () => {
    placed = placedOrder()
    if (!placed) return
    // Also starts a new cart id.
    cb.order({ order: { id: placed, total: Number(read(TOTAL) ?? 0) } })
    forget(TOTAL)
  })
  // On a restore landing the page is about to move on to checkout: nothing to sync there.
  safely('cart', () => watchCart(send, !placed && !cb.restoring))
  let ticked = () => false
  safely('consent', () => {
    // The Cartback plugin puts a real consent field on both checkouts: no second box then.
    if (consent) ticked = pluginField() ? pluginConsent(consent, send) : consentBoxes(consent, send)
  })
  safely('fields', () => watchFields(send, consent, () => ticked()))
}

;(() => {
  const cb = window.Cartback
  if (!cb) return
  // After parsing, so that a theme's footer scripts (jQuery, the Blocks data store) exist.
  const start = () => woocommerce(cb)
  if (document.readyState === 'loading') addEventListener('DOMContentLoaded', start)
  else start()
})()

/**
 * The page's script tag says the Cartback plugin renders the consent field itself. (Function
 * declarations here: the start above runs before the module's later `const`s exist.)
 */
function pluginField() {
  return document.querySelector('script[data-store][data-consent-field="plugin"]') !== null
}

/**
 * Follows the plugin's own consent field (its text is the store's disclosure, from the same
 * settings): each tick or untick is sent with the phone number as it is then. Listens on the
 * document, so a field the Blocks checkout renders late or again is followed too.
 */
function pluginConsent(text: string, send: Send) {
  let ticked = false
  document.addEventListener('change', (e) => {
    const box = e.target
    if (!(box instanceof HTMLInputElement) || box.type !== 'checkbox') return
    // The classic checkout's `cartback_sms_consent` (id and name); the Blocks checkout's
    // additional field `cartback/sms-consent`, which its contact form renders with the id
    // `contact-cartback-sms-consent` and no name (createFieldProps: form id, key with / as -).
    const field = /^cartback_sms_consent$|cartback[/-]sms-consent/
    if (!field.test(box.id) && !field.test(box.name)) return
    ticked = box.checked
    const number = PHONES.map((p) =>
      document.querySelector<HTMLInputElement>(p)?.value?.trim(),
    ).find((v) => v)
    send('contact', { contact: number ? { phone: number } : {}, consent: { sms: ticked, text } })
  })
  return () => ticked
}

/**
 * An unchecked consent checkbox with the store's exact disclosure under each phone field. Blocks
 * checkouts render (and re-render) their fields late, so a MutationObserver puts it back.
 * Returns whether the shopper ticked it.
 */
function consentBoxes(text: string, send: Send) {
  let ticked = false
  const placeAll = () => {
    for (const selector of PHONES) {
      const phone = document.querySelector<HTMLInputElement>(selector)
      if (!phone) continue
      // Already there (Blocks may have re-rendered the field but kept our box, or not).
      if (document.getElementById(`cartback-consent-${phone.id}`)) continue
      const anchor = phone.closest('.form-row, .wc-block-components-text-input') ?? phone
      const wrap = document.createElement('div')
      wrap.className = 'cartback-consent'
      wrap.style.cssText = 'margin:8px 0 16px;font-size:.875em;line-height:1.45'
      const label = document.createElement('label')
      label.style.cssText = 'display:flex;gap:8px;align-items:flex-start;cursor:pointer'
      const box = document.createElement('input')
      box.type = 'checkbox'
      box.id = `cartback-consent-${phone.id}`
      box.checked = ticked
      // Themes often style every input (width:100%): the box keeps its own size.
      box.style.cssText = 'display:inline-block;width:auto;height:auto;margin:.2em 0 0;flex:none'
      const span = document.createElement('span')
      span.textContent = text
      label.append(box, span)
      wrap.append(label)
      anchor.after(wrap)
      box.addEventListener('change', () => {
        ticked = box.checked
        // One choice, however many phone fields show a box.
        document.querySelectorAll<HTMLInputElement>('.cartback-consent input').forEach((b) => {
          b.checked = ticked
        })
        // The field as it is now: React may have replaced the element since.
        const number = document.querySelector<HTMLInputElement>(selector)?.value?.trim()
        send('contact', {
          contact: number ? { phone: number } : {},
          consent: { sms: ticked, text },
        })
      })
    }
  }
  // A throw while placing a box is retried on the next mutation; it never stops the observer.
  const place = () => safely('consent box', placeAll)
  new MutationObserver(place).observe(document.body, { childList: true, subtree: true })
  place()
  return () => ticked
}
