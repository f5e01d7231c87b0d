import { describe, expect, it } from 'vitest'
import { SmsTemplateSchema } from '../sequence/steps'
import { fill, type TemplateValues, unknownVariables, usedVariables } from './template'

const values: TemplateValues = {
  storeName: 'Acme',
  firstName: 'Ada',
  itemCount: '3',
  total: '$64.00',
  restoreUrl: 'https://c.example/s/abc',
  incentive: '10% off',
  incentiveCode: 'SAVE-ABC',
}

describe('templates', () => {
  it('fills variables, tolerating spaces inside the braces', () => {
    expect(fill('Hi {{firstName}}, {{ itemCount }} items at {{storeName}}', values)).toBe(
      'Hi Ada, 3 items at Acme',
    )
  })

  it('tidies the gap an unknown first name leaves', () => {
    expect(fill('Hi {{firstName}}, your cart', { ...values, firstName: '' })).toBe('Hi, your cart')
  })

  it('names unknown variables and lists the used ones', () => {
    expect(unknownVariables('{{storeName}} {{coupon}} {{ Name }}')).toEqual(['coupon', 'Name'])
    expect(usedVariables('{{total}} and {{restoreUrl}} {{total}}')).toEqual(['total', 'restoreUrl'])
  })

  // Issue 11: `in` saw the prototype, so these were accepted and rendered native code.
  const PROTOTYPE_NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf']

  it('treats names from the object prototype as unknown, at render and at validation', () => {
    for (const name of PROTOTYPE_NAMES) {
      const template = `Hi {{${name}}} from {{storeName}}`
      expect(fill(template, values), name).toBe('Hi from Acme')
      expect(unknownVariables(template), name).toEqual([name])
      expect(usedVariables(template), name).toEqual(['storeName'])
      const saved = SmsTemplateSchema.safeParse({ body: template })
      expect(saved.success, name).toBe(false)
      expect(saved.error?.issues[0]?.message, name).toBe(`unknown variable: {{${name}}}`)
    }
  })

  it('leaves {{__proto__}} as text: only letters make a variable', () => {
    expect(fill('{{__proto__}} {{storeName}}', values)).toBe('{{__proto__}} Acme')
    expect(unknownVariables('{{__proto__}}')).toEqual([])
  })

  it('leaves markup alone: escaping is the renderer’s job', () => {
    expect(fill('{{firstName}}', { ...values, firstName: '<b>x</b>' })).toBe('<b>x</b>')
  })
})

describe('money in texts', () => {
  it('keeps totals in the GSM alphabet whatever the locale', async () => {
    const { formatMoneyForText } = await import('./format')
    const { countSegments } = await import('./segments')
    for (const [currency, locale] of [
      ['EUR', 'fr-FR'],
      ['CHF', 'de-CH'],
      ['INR', 'en-IN'],
      ['PLN', 'pl-PL'],
      ['USD', 'en-US'],
    ] as const) {
      const text = formatMoneyForText(123456, currency, locale)
      expect(countSegments(text).encoding, `${currency} ${locale}: ${text}`).toBe('GSM-7')
    }
    expect(formatMoneyForText(123456, 'INR', 'en-IN')).toBe('INR 1,234.56')
    expect(formatMoneyForText(123456, 'EUR', 'fr-FR')).toBe('1 234,56 €')
  })
})
