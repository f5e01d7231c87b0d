import { describe, expect, it } from 'vitest'
import { normalizeEmail, normalizePhone } from './contact'

describe('normalizePhone', () => {
  it.each([
    ['(415) 555-2671', 'US', '+14155552671'],
    ['+1 415.555.2671', 'US', '+14155552671'],
    ['020 7946 0018', 'GB', '+442079460018'],
    ['+44 20 7946 0018', 'US', '+442079460018'],
  ])('reads %s in %s as %s', (raw, country, e164) => {
    expect(normalizePhone(raw, country)).toBe(e164)
  })

  it.each([['12'], ['555-0000'], ['not a phone'], ['+1 000 000 0000']])('refuses %s', (raw) => {
    expect(normalizePhone(raw, 'US')).toBeNull()
  })
})

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Ada.Lovelace@Example.COM ')).toBe('ada.lovelace@example.com')
  })
  it.each([['ada@'], ['@example.com'], ['ada example.com'], ['ada@example'], ['<a@b.co>']])(
    'refuses %s',
    (raw) => {
      expect(normalizeEmail(raw)).toBeNull()
    },
  )
})
