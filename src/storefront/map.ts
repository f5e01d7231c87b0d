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
  totals: { total_price: string; currency_code: string }
}

/** Maps the Store API cart to the beacon's shape (its prices are already minor units). */
export function toBeaconCart(cart: StoreApiCart) {
  return {
    currency: cart.totals.currency_code,
    total: Number(cart.totals.total_price),
    items: cart.items.map((i) => ({
      id: String(i.id),
      name: i.name,
      price: Number(i.prices.price),
      quantity: i.quantity,
      ...(i.images?.[0]?.src ? { image: i.images[0].src } : {}),
      ...(i.permalink ? { url: i.permalink } : {}),
      ...(i.variation?.length
        ? { variant: i.variation.map((v) => `${v.attribute}: ${v.value}`).join(', ') }
        : {}),
    })),
  }
}
