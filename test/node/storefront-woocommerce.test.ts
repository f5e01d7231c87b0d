import { describe, expect, it } from 'vitest'
import { toBeaconCart } from '../../src/storefront/map'

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
