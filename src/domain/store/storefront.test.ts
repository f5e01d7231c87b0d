import { describe, expect, it } from 'vitest'
import { SettingsSchema } from './settings'
import { disclosure, storefrontConfig } from './storefront'

const store = (name: string, settings: object = {}) => ({
  name,
  settings: SettingsSchema.parse(settings),
})

describe('the storefront configuration', () => {
  it("puts the store's name into the disclosure as plain text, even with $ in it", () => {
    expect(disclosure(store("Bob$'s $& Shop"))).toMatch(
      /^Text me reminders about my cart and offers from Bob\$'s \$& Shop\. /,
    )
  })

  it('offers the checkbox and no popup by default', () => {
    const config = storefrontConfig(store('Tide'))
    expect(config).toEqual({
      respectGpc: false,
      consent: disclosure(store('Tide')),
      popup: null,
    })
  })

  it('gives the popup its texts, the disclosure, the accent colour and the opt-in mode', () => {
    const config = storefrontConfig(
      store('Tide', {
        sender: { accentColor: '#0f766e' },
        sms: { doubleOptIn: false },
        storefront: { consentCheckbox: false, popup: { enabled: true, askEmail: true } },
      }),
    )
    expect(config.consent).toBeNull()
    expect(config.popup).toEqual({
      everyDays: 7,
      askEmail: true,
      title: 'Save your cart?',
      body: 'We will text you a link back to your cart, so nothing gets lost.',
      button: 'Text me my cart',
      consent: disclosure(store('Tide')),
      accentColor: '#0f766e',
      doubleOptIn: false,
    })
  })
})
