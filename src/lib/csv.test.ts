import { describe, expect, it } from 'vitest'
import { csvField, csvLine } from './csv'

describe('csv', () => {
  it('quotes every field and doubles quotes', () => {
    expect(csvLine(['a', 'say "hi"', 3, null])).toBe('"a","say ""hi""","3",""\r\n')
  })

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"')
    expect(csvField('+1 212')).toBe('"\'+1 212"')
    expect(csvField('-2')).toBe('"\'-2"')
    expect(csvField('@SUM(A1)')).toBe('"\'@SUM(A1)"')
    expect(csvField('ok=1')).toBe('"ok=1"')
  })
})
