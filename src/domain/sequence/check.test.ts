import { describe, expect, it } from 'vitest'
import { checkSequence, shortLinkLength } from './check'
import { DEFAULT_SEQUENCE, type Step } from './steps'

const opts = {
  storeName: 'Acme Outfitters',
  linkLength: shortLinkLength('https://cartback.acme.example'),
}
const text = (body: string): Step => ({
  id: 'sms-1',
  channel: 'sms',
  delaySeconds: 0,
  windowSeconds: 3600,
  template: { body },
})

describe('checkSequence', () => {
  it('accepts the default sequence', () => {
    expect(checkSequence(DEFAULT_SEQUENCE, opts)).toEqual([])
  })

  it('refuses a text that can pass two segments once names and the link are filled in', () => {
    const long = text(`${'Long words here. '.repeat(16)}{{restoreUrl}}`)
    expect(checkSequence([long], opts)).toEqual([
      { stepId: 'sms-1', message: expect.stringContaining('can reach 3 segments') },
    ])
  })

  it('counts an emoji template in UCS-2, where two segments hold 134 units', () => {
    const emoji = text(`🛒 ${'x'.repeat(80)} {{restoreUrl}}`)
    expect(checkSequence([emoji], opts)[0]?.message).toContain('UCS-2')
    expect(checkSequence([text(`🛒 {{restoreUrl}}`)], opts)).toEqual([])
  })

  it('leaves email steps alone', () => {
    const email = DEFAULT_SEQUENCE[0]!
    expect(
      checkSequence(
        [{ ...email, template: { ...(email.template as object), body: 'x'.repeat(5000) } } as Step],
        opts,
      ),
    ).toEqual([])
  })
})
