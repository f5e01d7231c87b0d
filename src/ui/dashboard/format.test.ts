import { describe, expect, it } from 'vitest'
import { maskEmail, maskPhone, when } from './format'

describe('dashboard formats', () => {
  it('masks emails and phones down to what identifies them', () => {
    expect(maskEmail('ada@example.com')).toBe('a••@example.com')
    expect(maskEmail('x@y.io')).toBe('x••@y.io')
    expect(maskEmail('averyveryverylongname@example.com')).toBe('a••••••@example.com')
    expect(maskPhone('+12125550123')).toBe('+1 ••• ••• 0123')
    expect(maskPhone('+447911123456')).toBe('+44 ••• ••• 3456')
  })

  it('shows times in UTC to the minute, and a dash for none', () => {
    expect(when('2026-11-22T14:05:59.000Z')).toBe('2026-11-22 14:05')
    expect(when(null)).toBe('—')
  })
})
