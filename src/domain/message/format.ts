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

/**
 * Money for a text: the same, but kept in the GSM alphabet so one symbol never doubles a
 * text's cost (UCS-2): no-break spaces become spaces, and a symbol outside GSM (₹, zł) gives
 * way to the ISO code ("INR 1,234.00").
 */
export function formatMoneyForText(minor: number, currency: string, locale = 'en-US'): string {
  const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')
  const symbol = plain(formatMoney(minor, currency, locale))
  if (isGsm(symbol)) return symbol
  const exp = currencyExponent(currency)
  return plain(
    new Intl.NumberFormat('en-US', { style: 'currency', currency, currencyDisplay: 'code' }).format(
      minor / 10 ** exp,
    ),
  )
}

const GSM =
  /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/

function isGsm(text: string): boolean {
  return GSM.test(text)
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
