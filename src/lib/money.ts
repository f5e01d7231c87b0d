/** ISO-4217 minor-unit exponent (USD 2, JPY 0, KWD 3), from the runtime's ICU data. */
export function currencyExponent(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits as number
}

/** True when `code` is a currency the runtime knows (three letters is not enough: "ABC"). */
export function isCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false
  return Intl.supportedValuesOf('currency').includes(code)
}

/**
 * Converts a decimal string such as WooCommerce's `"49.90"` to integer minor units without
 * floating point. Returns null for anything that is not a plain decimal, or has more
 * fraction digits than the currency allows.
 *
 * @example decimalToMinor('49.9', 'USD') // 4990
 */
export function decimalToMinor(value: string, currency: string): number | null {
  const m = /^(-)?(\d{1,15})(?:\.(\d+))?$/.exec(value.trim())
  if (!m) return null
  const exp = currencyExponent(currency)
  const frac = (m[3] ?? '').replace(/0+$/, '')
  if (frac.length > exp) return null
  const minor = Number(m[2]) * 10 ** exp + Number(frac.padEnd(exp, '0') || '0')
  if (!Number.isSafeInteger(minor)) return null
  return m[1] ? -minor : minor
}
