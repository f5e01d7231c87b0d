import { currencyExponent } from '../../lib/money'

/** Formats integer minor units for people: `formatMoney(6400, 'USD', 'en-US')` → "$64.00". */
export function formatMoney(minor: number, currency: string, locale = 'en-US'): string {
  const exp = currencyExponent(currency)
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 10 ** exp)
  } catch {
    // A locale the runtime does not know: the amount still reads right in English.
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(minor / 10 ** exp)
  }
}

/** "10% off" or "$5.00 off": how an incentive reads in a message. */
export function describeIncentive(
  incentive: { kind: 'percent' | 'fixed'; amount: number },
  currency: string,
  locale?: string,
): string {
  return incentive.kind === 'percent'
    ? `${incentive.amount}% off`
    : `${formatMoney(incentive.amount, currency, locale)} off`
}
