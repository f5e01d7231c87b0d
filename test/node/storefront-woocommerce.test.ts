import { describe, expect, it } from 'vitest'
import {
  restoreReport,
  type StoreApiCart,
  toBeaconCart,
  toMinor,
  variationOf,
} from '../../src/storefront/map'

describe('toBeaconCart', () => {
  it("maps the Store API cart, whose prices are already minor units, to the beacon's shape", () => {
    expect(
      toBeaconCart({
        items: [
          {
            id: 31,
            name: 'Hoodie',
            quantity: 2,
            permalink: 'https://shop.example/p/hoodie',
            images: [{ src: 'https://shop.example/h.jpg' }],
            variation: [
              { attribute: 'Size', value: 'M' },
              { attribute: 'Colour', value: 'Blue' },
            ],
            prices: { price: '4500', currency_code: 'EUR' },
          },
          { id: 7, name: 'Sticker', quantity: 1, prices: { price: '0', currency_code: 'EUR' } },
        ],
        totals: { total_price: '9000', currency_code: 'EUR' },
      }),
    ).toEqual({
      currency: 'EUR',
      total: 9000,
      items: [
        {
          id: '31',
          name: 'Hoodie',
          price: 4500,
          quantity: 2,
          image: 'https://shop.example/h.jpg',
          url: 'https://shop.example/p/hoodie',
          variant: 'Size: M, Colour: Blue',
        },
        { id: '7', name: 'Sticker', price: 0, quantity: 1 },
      ],
    })
  })
})

describe('restoreReport', () => {
  const cartWith = (items: { id: number; price: number }[]): StoreApiCart => ({
    items: items.map((i) => ({
      id: i.id,
      name: `#${i.id}`,
      quantity: 1,
      prices: { price: String(i.price), currency_code: 'EUR' },
    })),
    totals: { total_price: '0', currency_code: 'EUR', currency_minor_unit: 2 },
  })
  const wanted = [
    { id: '1', name: 'Linen Shirt', price: 4500, quantity: 1 },
    { id: '2', name: 'Canvas Tote', price: 1500, quantity: 2 },
  ]

  it('says the cart is ready and nothing else when all came back as they were', () => {
    expect(
      restoreReport(
        wanted,
        cartWith([
          { id: 1, price: 4500 },
          { id: 2, price: 1500 },
        ]),
        {},
        null,
        'en-US',
      ),
    ).toEqual(['Welcome back: your cart is ready.'])
  })

  it('names what is gone and what now costs something else, in the store currency', () => {
    expect(
      restoreReport(
        wanted,
        cartWith([{ id: 1, price: 3900 }]),
        { '2': 'woocommerce_rest_product_out_of_stock' },
        null,
        'en-US',
      ),
    ).toEqual([
      'Welcome back: your cart is ready.',
      'Linen Shirt now costs €39.00 (was €45.00).',
      'Canvas Tote is out of stock.',
    ])
  })

  it('does not call an empty cart ready, and says whether the code was applied', () => {
    expect(
      restoreReport(
        wanted,
        cartWith([]),
        { '1': 'woocommerce_rest_cart_invalid_product', '2': '' },
        { code: 'CB-ABC', applied: false },
        'en-US',
      ),
    ).toEqual([
      'Welcome back.',
      'Linen Shirt is no longer available.',
      'Canvas Tote is no longer available.',
      'Code CB-ABC could not be applied.',
    ])
    expect(
      restoreReport(
        wanted,
        cartWith([
          { id: 1, price: 4500 },
          { id: 2, price: 1500 },
        ]),
        {},
        { code: 'CB-ABC', applied: true },
        'en-US',
      ).at(-1),
    ).toBe('Code CB-ABC is applied.')
  })
})

describe('toMinor', () => {
  const cart = (currency: string, minorUnit: number): StoreApiCart => ({
    items: [],
    totals: { total_price: '0', currency_code: currency, currency_minor_unit: minorUnit },
  })

  it("converts the store's own precision to the currency's ISO minor units", () => {
    expect(toMinor('2500', cart('USD', 2))).toBe(2500)
    // A USD store set to show no decimals sends whole dollars.
    expect(toMinor('25', cart('USD', 0))).toBe(2500)
    expect(toMinor('1500', cart('JPY', 0))).toBe(1500)
    // A store with more decimals than the currency has rounds to the nearest minor unit.
    expect(toMinor('12345', cart('EUR', 3))).toBe(1235)
    expect(toMinor('1250', cart('KWD', 3))).toBe(1250)
  })
})

describe('variationOf', () => {
  it('gives back the attributes toBeaconCart wrote into the variant text', () => {
    const variant = toBeaconCart({
      items: [
        {
          id: 9,
          name: 'Hoodie',
          quantity: 1,
          variation: [
            { attribute: 'Size', value: 'M' },
            { attribute: 'Colour', value: 'Sea Blue' },
          ],
          prices: { price: '100', currency_code: 'USD' },
        },
      ],
      totals: { total_price: '100', currency_code: 'USD' },
    }).items[0]?.variant
    expect(variationOf(variant)).toEqual([
      { attribute: 'Size', value: 'M' },
      { attribute: 'Colour', value: 'Sea Blue' },
    ])
  })

  it('is empty for a simple product or a variant it cannot read', () => {
    expect(variationOf(undefined)).toEqual([])
    expect(variationOf('Large')).toEqual([])
  })
})
