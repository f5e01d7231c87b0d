import { describe, expect, it } from 'vitest'
import { intentOf } from './intent'

describe('intentOf', () => {
  it.each([
    ['do you ship to Canada?', 'shipping'],
    ['when will it arrive', 'shipping'],
    ['¿Hacen envíos a México?', 'shipping'],
    ['is there a discount?', 'discount'],
    ['any promo code?', 'discount'],
    ['can I return it if it does not fit', 'returns'],
    ['¿puedo devolverlo?', 'returns'],
    ['is the mug still in stock', 'stock'],
    ['how much is the total', 'price'],
    ['can I talk to a real person', 'human'],
    ['I want a discount, let me speak to a manager', 'human'],
    ['lovely colours', 'other'],
  ] as const)('%j → %s', (body, intent) => {
    expect(intentOf(body)).toBe(intent)
  })
})
