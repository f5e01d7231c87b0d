/** The demo storefront's products (prices in cents). */
export const DEMO_PRODUCTS = [
  { id: 'tee-ocean', name: 'Ocean Tee', price: 2400, color: '#0ea5e9' },
  { id: 'mug-sunrise', name: 'Sunrise Mug', price: 1600, color: '#f59e0b' },
  { id: 'cap-forest', name: 'Forest Cap', price: 2200, color: '#16a34a' },
  { id: 'tote-berry', name: 'Berry Tote', price: 1900, color: '#db2777' },
] as const

/** A flat product picture, so the demo works offline. */
export function productSvg(color: string, label: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="180" viewBox="0 0 240 180"><rect width="240" height="180" rx="16" fill="${color}"/><text x="120" y="100" font-family="system-ui,sans-serif" font-size="22" fill="#fff" text-anchor="middle">${label}</text></svg>`
}
