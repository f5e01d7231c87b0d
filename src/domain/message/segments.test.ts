import { describe, expect, it } from 'vitest'
import { countSegments } from './segments'

describe('countSegments', () => {
  it.each([
    ['an empty text', '', { encoding: 'GSM-7', units: 0, segments: 0 }],
    [
      '160 GSM characters in one segment',
      'a'.repeat(160),
      { encoding: 'GSM-7', units: 160, segments: 1 },
    ],
    ['161 GSM characters in two', 'a'.repeat(161), { encoding: 'GSM-7', units: 161, segments: 2 }],
    ['306 GSM characters in two', 'a'.repeat(306), { encoding: 'GSM-7', units: 306, segments: 2 }],
    [
      '307 GSM characters in three',
      'a'.repeat(307),
      { encoding: 'GSM-7', units: 307, segments: 3 },
    ],
    [
      'extension characters as two septets',
      '€'.repeat(80),
      { encoding: 'GSM-7', units: 160, segments: 1 },
    ],
    [
      'one extension character too many',
      `${'€'.repeat(80)}a`,
      { encoding: 'GSM-7', units: 161, segments: 2 },
    ],
    [
      'one emoji switching to UCS-2',
      `${'a'.repeat(60)}🛒`,
      { encoding: 'UCS-2', units: 62, segments: 1 },
    ],
    [
      '71 UCS-2 units in two segments',
      `ñ${'é'.repeat(69)}ł`,
      { encoding: 'UCS-2', units: 71, segments: 2 },
    ],
    [
      '134 UCS-2 units in two segments',
      'ł'.repeat(134),
      { encoding: 'UCS-2', units: 134, segments: 2 },
    ],
    ['135 UCS-2 units in three', 'ł'.repeat(135), { encoding: 'UCS-2', units: 135, segments: 3 }],
  ])('counts %s', (_n, text, expected) => {
    expect(countSegments(text)).toMatchObject(expected)
  })
})
