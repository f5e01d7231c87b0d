/**
 * First-party storage: localStorage, or a cookie where localStorage is blocked (some privacy
 * modes and embedded browsers throw on access).
 */
export const local = (() => {
  try {
    localStorage.setItem('cartback_t', '1')
    localStorage.removeItem('cartback_t')
    return localStorage
  } catch {
    return null
  }
})()

export const cookie = (k: string, v: string, maxAge = 31536000) => {
  document.cookie = `${k}=${v}; path=/; max-age=${maxAge}; samesite=lax`
}

/** Removes a key wherever it may be kept. */
export const forget = (k: string) => {
  local?.removeItem(k)
  cookie(k, '', 0)
}

export const read = (k: string) =>
  local
    ? local.getItem(k)
    : (document.cookie.match(new RegExp(`(?:^|; )${k}=([^;]*)`))?.[1] ?? null)

export const write = (k: string, v: string) => (local ? local.setItem(k, v) : cookie(k, v))

/** Keys the core script and the popup share. */
export const KEY = {
  id: 'cartback_cart',
  queue: 'cartback_queue',
  /** Items in the cart as last sent (the popup only shows for a cart with something in it). */
  items: 'cartback_n',
  /** A phone number was given (the popup has nothing left to ask). */
  phone: 'cartback_p',
  popup: 'cartback_popup',
  notice: 'cartback_notice',
} as const
