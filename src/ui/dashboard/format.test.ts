import { describe, expect, it } from 'vitest'
import { abandonLateness, maskEmail, maskPhone, when } from './format'

describe('dashboard formats', () => {
  it('masks emails and phones down to what identifies them', () => {
    expect(maskEmail('ada@example.com')).toBe('a••@example.com')
    expect(maskEmail('x@y.io')).toBe('x••@y.io')
    expect(maskEmail('averyveryverylongname@example.com')).toBe('a••••••@example.com')
    expect(maskPhone('+12125550123')).toBe('+1 ••• ••• 0123')
    expect(maskPhone('+447911123456')).toBe('+44 ••• ••• 3456')
  })

  it('says how late an abandonment was noticed only past a second', () => {
    const due = '2026-11-22T14:00:00.000Z'
    expect(abandonLateness('2026-11-22T14:00:00.900Z', due)).toBeNull()
    expect(abandonLateness('2026-11-22T14:00:01.000Z', due)).toBeNull()
    expect(abandonLateness('2026-11-22T14:00:03.240Z', due)).toBe(
      'noticed 3.2 s after its deadline',
    )
    expect(abandonLateness('2026-11-22T14:07:10.000Z', due)).toBe(
      'noticed 7 min after its deadline',
    )
    expect(abandonLateness('2026-11-22T16:30:00.000Z', due)).toBe(
      'noticed 2.5 h after its deadline',
    )
    expect(abandonLateness('2026-11-22T14:00:05.000Z', undefined)).toBeNull()
  })

  it('shows times in UTC to the minute, and a dash for none', () => {
    expect(when('2026-11-22T14:05:59.000Z')).toBe('2026-11-22 14:05')
    expect(when(null)).toBe('—')
  })
})
