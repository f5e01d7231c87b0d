/** The Store API cart, as much of it as the script reads (no DOM here: tested in Node). */
export type StoreApiItem = {
  id: number
  name: string
  quantity: number
  permalink?: string
  images?: { src: string }[]
  variation?: { attribute: string; value: string }[]
  prices: { price: string; currency_code: string }
}
export type StoreApiCart = {
  items: StoreApiItem[]
  coupons?: { code: string }[]
  totals: { total_price: string; currency_code: string; currency_minor_unit?: number }
}

/** An item as the beacon sends it and a restore returns it (price in minor units). */
export type BeaconItem = {
  id: string
  name: string
  price: number
  quantity: number
  variant?: string
}

/**
 * The Store API's `variation` attributes back from the beacon's variant text ("Size: M,
 * Colour: Blue"), for add-item: a variation with "any" attributes needs them.
 */
export function variationOf(variant: string | undefined) {
  return (variant ?? '')
    .split(', ')
    .map((pair) => pair.split(': '))
    .filter((p): p is [string, string] => p.length === 2 && p[0] !== '' && p[1] !== '')
    .map(([attribute, value]) => ({ attribute, value }))
}

/** ISO 4217 decimals of a currency: 2 for USD, 0 for JPY, 3 for KWD. */
export function isoDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    )
  } catch {
    return 2
  }
}

/**
 * A Store API amount in ISO minor units. The Store API counts in the store's own precision
 * (`currency_minor_unit`: a USD store set to 0 decimals sends "25" for $25), Cartback in the
 * currency's ISO decimals.
 */
export function toMinor(amount: string, cart: StoreApiCart): number {
  const iso = isoDigits(cart.totals.currency_code)
  return Math.round(Number(amount) * 10 ** (iso - (cart.totals.currency_minor_unit ?? iso)))
}

/** Maps the Store API cart to the beacon's shape, prices in ISO minor units. */
export function toBeaconCart(cart: StoreApiCart) {
  return {
    currency: cart.totals.currency_code,
    total: toMinor(cart.totals.total_price, cart),
    items: cart.items.map((i) => ({
      id: String(i.id),
      name: i.name,
      price: toMinor(i.prices.price, cart),
      quantity: i.quantity,
      ...(i.images?.[0]?.src ? { image: i.images[0].src } : {}),
      ...(i.permalink ? { url: i.permalink } : {}),
      ...(i.variation?.length
        ? { variant: i.variation.map((v) => `${v.attribute}: ${v.value}`).join(', ') }
        : {}),
    })),
  }
}

/**
 * What the shopper is told after a restore: the cart is back, minus what is gone, with what now
 * costs something else, and whether the code was applied.
 */
export function restoreReport(
  wanted: BeaconItem[],
  cart: StoreApiCart | null,
  /** Item id → the Store API's error code for each item that could not be added. */
  failed: Record<string, string>,
  coupon: { code: string; applied: boolean } | null,
  locale?: string,
): string[] {
  const currency = cart?.totals.currency_code ?? 'USD'
  const money = (minor: number) =>
    new Intl.NumberFormat(locale, { style: 'currency', currency }).format(
      minor / 10 ** isoDigits(currency),
    )
  const out = [
    Object.keys(failed).length < wanted.length
      ? 'Welcome back: your cart is ready.'
      : 'Welcome back.',
  ]
  for (const w of wanted) {
    const why = failed[w.id]
    if (why !== undefined) {
      out.push(
        `${w.name} ${why.includes('out_of_stock') ? 'is out of stock' : 'is no longer available'}.`,
      )
      continue
    }
    const now = cart?.items.find((i) => String(i.id) === w.id)
    const price = now && cart ? toMinor(now.prices.price, cart) : w.price
    if (price !== w.price) out.push(`${w.name} now costs ${money(price)} (was ${money(w.price)}).`)
  }
  if (coupon)
    out.push(
      coupon.applied
        ? `Code ${coupon.code} is applied.`
        : `Code ${coupon.code} could not be applied.`,
    )
  return out
}
