import { describe, expect, it } from 'vitest'
import { describeDuration, readDuration, splitDuration } from './duration'

describe('durations', () => {
  it('shows a stored value in the largest exact unit, so saving it back changes nothing', () => {
    for (const s of [60, 90 * 60, 3600, 36 * 3600, 86_400, 14 * 86_400, 45, 3456]) {
      const [value, unit] = splitDuration(s)
      expect(readDuration(value, unit)).toBe(s)
    }
    expect(splitDuration(36 * 3600)).toEqual(['36', 'hours'])
    expect(splitDuration(5400)).toEqual(['90', 'minutes'])
  })

  it('reads plain numbers only', () => {
    expect(readDuration('1.5', 'hours')).toBe(5400)
    expect(readDuration('soon', 'days')).toBeNaN()
    expect(readDuration('-1', 'days')).toBeNaN()
  })

  it('says a duration in words', () => {
    expect(describeDuration(60)).toBe('1 minute')
    expect(describeDuration(90 * 86_400)).toBe('90 days')
  })
})
