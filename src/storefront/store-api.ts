/**
 * The WooCommerce Store API cart endpoint, from the REST root WordPress announces in the page
 * (`<link rel="https://api.w.org/">`), so sites in a subdirectory or with plain permalinks
 * (`?rest_route=/`) work too.
 */
export function cartApi(path = ''): string {
  const root =
    document.querySelector<HTMLLinkElement>('link[rel="https://api.w.org/"]')?.href ?? '/wp-json/'
  return `${root.replace(/\/?$/, '/')}wc/store/v1/cart${path}`
}
