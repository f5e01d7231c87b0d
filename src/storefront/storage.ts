/**
 * First-party storage: localStorage, or a cookie where localStorage is blocked (some privacy
 * modes and embedded browsers throw on access). Nothing here throws: a full quota or a sandboxed
 * page's cookie jar only loses what would have been kept (issue 11).
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
  try {
    document.cookie = `${k}=${v}; path=/; max-age=${maxAge}; samesite=lax`
  } catch {}
}

/** Removes a key wherever it may be kept. */
export const forget = (k: string) => {
  try {
    local?.removeItem(k)
  } catch {}
  cookie(k, '', 0)
}

export const read = (k: string): string | null => {
  try {
    return local
      ? local.getItem(k)
      : (document.cookie.match(new RegExp(`(?:^|; )${k}=([^;]*)`))?.[1] ?? null)
  } catch {
    return null
  }
}

export const write = (k: string, v: string) => {
  try {
    if (local) local.setItem(k, v)
    else cookie(k, v)
  } catch {}
}

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
