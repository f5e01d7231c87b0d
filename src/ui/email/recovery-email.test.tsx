import { describe, expect, it } from 'vitest'
import { composeSms, type MessageInput } from '../../domain/message/compose'
import { DEFAULT_SEQUENCE, type EmailStep, type SmsStep } from '../../domain/sequence/steps'
import { renderEmail } from './recovery-email'

const input: MessageInput = {
  storeName: 'Acme Outfitters',
  sender: { accentColor: '#0ea5e9', postalAddress: '1 Market St, San Francisco, CA 94105' },
  currency: 'USD',
  locale: 'en-US',
  firstName: 'Ada',
  items: [
    {
      id: 'tee',
      name: 'Ocean Tee',
      price: 2400,
      quantity: 2,
      image: 'https://shop.example/tee.jpg',
      variant: 'M',
    },
    { id: 'mug', name: 'Sunrise Mug', price: 1600, quantity: 1 },
  ],
  total: 6400,
  restoreUrl: 'https://cartback.example/r/TOKEN',
  unsubscribeUrl: 'https://cartback.example/u/UNSUB',
  incentive: null,
}
const first = DEFAULT_SEQUENCE[0] as EmailStep
const withIncentive = DEFAULT_SEQUENCE[3] as EmailStep
const text = DEFAULT_SEQUENCE[1] as SmsStep

describe('renderEmail', () => {
  it('fills the subject and preheader and renders the lines, total, button and footer', async () => {
    const email = await renderEmail(first, input)
    expect(email.subject).toBe('You left something in your cart')
    expect(email.preheader).toBe('Your items are saved. Pick up where you left off.')
    expect(email.html).toContain('Ocean Tee')
    expect(email.html).toContain('$48.00')
    expect(email.html).toContain('$64.00')
    expect(email.html).toContain('href="https://cartback.example/r/TOKEN"')
    expect(email.html).toContain('href="https://cartback.example/u/UNSUB"')
    expect(email.html).toContain('1 Market St, San Francisco, CA 94105')
    expect(email.html).toContain('border-bottom:4px solid #0ea5e9')
  })

  it('writes a plain-text part with the same content', async () => {
    const email = await renderEmail(first, input)
    expect(email.text).toMatchInlineSnapshot(`
      "Still thinking it over?

      We saved your cart at Acme Outfitters. Your items are waiting whenever you are ready.

      - Ocean Tee (M) × 2: $48.00
      - Sunrise Mug × 1: $16.00
      Total: $64.00

      Return to my cart: https://cartback.example/r/TOKEN

      --
      Acme Outfitters · 1 Market St, San Francisco, CA 94105
      Unsubscribe: https://cartback.example/u/UNSUB"
    `)
  })

  it("formats money in the cart's currency and the shopper's locale", async () => {
    const email = await renderEmail(first, { ...input, currency: 'EUR', locale: 'de-DE' })
    expect(email.text).toContain('Total: 64,00\u00a0€')
  })

  it('shows the incentive and its code', async () => {
    const email = await renderEmail(withIncentive, {
      ...input,
      incentive: { kind: 'percent', amount: 10, code: 'CB-7K2Q9X' },
    })
    expect(email.subject).toBe('10% off your cart at Acme Outfitters')
    expect(email.html).toContain('CB-7K2Q9X')
  })

  it('escapes shopper, product and store text everywhere in the HTML', async () => {
    const hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    const email = await renderEmail(first, {
      ...input,
      storeName: hostile,
      firstName: hostile,
      items: [{ id: 'x', name: hostile, price: 100, quantity: 1, variant: hostile }],
    })
    expect(email.html).not.toContain('<script>')
    expect(email.html).not.toContain('<img src=x')
    expect(email.html).toContain('&lt;script&gt;')
  })
})

describe('composeSms', () => {
  it('adds the opt-out footer to the first text only', () => {
    expect(composeSms(text, input, true)).toEqual({
      text: 'Acme Outfitters: your cart ($64.00) is saved. Finish here: https://cartback.example/r/TOKEN\nReply STOP to opt out',
      segments: 1,
    })
    expect(composeSms(text, input, false)).toMatchObject({ segments: 1 })
    expect((composeSms(text, input, false) as { text: string }).text).not.toContain('STOP')
  })

  it('drops a name that pushes the text past two segments', () => {
    const step: SmsStep = { ...text, template: { body: `Hi {{firstName}}! ${'x'.repeat(120)}` } }
    const long = composeSms(step, { ...input, firstName: 'Zoë 🌸' }, true)
    expect(long).toMatchObject({ segments: 1 })
    expect((long as { text: string }).text.startsWith('Hi!')).toBe(true)
  })

  it('refuses a text that cannot fit', () => {
    const step: SmsStep = { ...text, template: { body: '🛒'.repeat(80) } }
    expect(composeSms(step, input, true)).toEqual({ error: 'too_long', segments: 3 })
  })
})
