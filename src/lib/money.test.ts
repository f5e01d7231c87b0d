import { describe, expect, it } from 'vitest'
import { currencyExponent, decimalToMinor, isCurrency } from './money'

describe('decimalToMinor', () => {
  it.each([
    ['49.90', 'USD', 4990],
    ['49.9', 'USD', 4990],
    ['49', 'USD', 4900],
    ['0.01', 'EUR', 1],
    ['5000', 'JPY', 5000],
    ['5000.00', 'JPY', 5000],
    ['1.234', 'KWD', 1234],
    ['-5.00', 'USD', -500],
  ] as const)('reads %s %s as %i minor units', (value, currency, minor) => {
    expect(decimalToMinor(value, currency)).toBe(minor)
  })

  it.each([
    ['49.999', 'USD'],
    ['12.5', 'JPY'],
    ['1e3', 'USD'],
    ['', 'USD'],
    ['12,50', 'EUR'],
    ['NaN', 'USD'],
  ])('refuses %s %s', (value, currency) => {
    expect(decimalToMinor(value, currency)).toBeNull()
  })
})

describe('currencies', () => {
  it('knows the minor-unit exponent of each currency', () => {
    expect([currencyExponent('USD'), currencyExponent('JPY'), currencyExponent('BHD')]).toEqual([
      2, 0, 3,
    ])
  })
  it('accepts ISO 4217 codes only', () => {
    expect(['USD', 'EUR', 'usd', 'XYZ', 'DOLLAR'].map(isCurrency)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ])
  })
})
