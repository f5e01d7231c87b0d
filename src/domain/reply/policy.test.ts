import { describe, expect, it } from 'vitest'
import { locateRecipient } from '../sequence/quiet-hours'
import { DIRECT_ANSWER_MS, replyTime, underReplyCap } from './policy'

// 2026-01-15 03:00 in New York (08:00 UTC): the middle of the night for a 212 number.
const NIGHT = Date.UTC(2026, 0, 15, 8, 0)
const NY = locateRecipient('+12125550123')
const HOURS = { startHour: 8, endHour: 21 }

describe('reply timing', () => {
  it('answers at once within 15 minutes of the text, even at night', () => {
    expect(replyTime(NIGHT, NIGHT - 60_000, NY, HOURS)).toBe(NIGHT)
    expect(replyTime(NIGHT, NIGHT - DIRECT_ANSWER_MS, NY, HOURS)).toBe(NIGHT)
  })

  it('waits for 8:00 local when the answer comes later than that', () => {
    const at = replyTime(NIGHT, NIGHT - DIRECT_ANSWER_MS - 1, NY, HOURS)
    expect(at).toBe(Date.UTC(2026, 0, 15, 13, 0))
  })

  it('sends a late answer at once in the daytime', () => {
    const noon = Date.UTC(2026, 0, 15, 17, 0)
    expect(replyTime(noon, noon - 3_600_000, NY, HOURS)).toBe(noon)
  })
})

describe('the hourly reply cap', () => {
  it('allows ten replies an hour and no more', () => {
    const now = NIGHT
    const nine = Array.from({ length: 9 }, (_, i) => now - i * 60_000)
    expect(underReplyCap(nine, now)).toBe(true)
    expect(underReplyCap([...nine, now - 30 * 60_000], now)).toBe(false)
    // Older replies no longer count.
    expect(underReplyCap([...nine, now - 61 * 60_000], now)).toBe(true)
  })
})
