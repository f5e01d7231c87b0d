// Twilio signatures: the WebCrypto check the Worker runs, against vectors computed with
// node:crypto and against the official twilio package's own signing and validation.
import twilio from 'twilio'
import { describe, expect, it } from 'vitest'
import { verifyTwilioSignature } from '../../src/adapters/sms/verify-signature'
import { twilioSignature } from '../twilio-sign'

const TOKEN = '12345'
const sign = (url: string, params: Record<string, string>) => twilioSignature(TOKEN, url, params)

const URL_ = 'https://cartback.example/webhooks/twilio/st_1/status'
const PARAMS = {
  MessageSid: 'SM123',
  MessageStatus: 'delivered',
  To: '+14155552671',
  AccountSid: 'AC1',
}

describe('verifyTwilioSignature', () => {
  it('accepts the signature Twilio computes over the URL and sorted parameters', async () => {
    expect(await verifyTwilioSignature(TOKEN, URL_, PARAMS, sign(URL_, PARAMS))).toBe(true)
  })

  it('accepts a signature made over the URL with its default port', async () => {
    const withPort = 'https://cartback.example:443/webhooks/twilio/st_1/status'
    expect(await verifyTwilioSignature(TOKEN, URL_, PARAMS, sign(withPort, PARAMS))).toBe(true)
  })

  it('rejects a changed parameter, an added one, another token, another URL or no header', async () => {
    const sig = sign(URL_, PARAMS)
    expect(
      await verifyTwilioSignature(TOKEN, URL_, { ...PARAMS, MessageStatus: 'failed' }, sig),
    ).toBe(false)
    expect(await verifyTwilioSignature(TOKEN, URL_, { ...PARAMS, Extra: 'x' }, sig)).toBe(false)
    expect(await verifyTwilioSignature('54321', URL_, PARAMS, sig)).toBe(false)
    expect(await verifyTwilioSignature(TOKEN, `${URL_}x`, PARAMS, sig)).toBe(false)
    expect(await verifyTwilioSignature(TOKEN, URL_, PARAMS, undefined)).toBe(false)
  })
})

describe('against the official twilio package', () => {
  const url = 'https://cartback.example/webhooks/twilio/st_1'
  const params = {
    MessageSid: 'SM0123456789abcdef0123456789abcdef',
    AccountSid: 'AC0123456789abcdef0123456789abcdef',
    From: '+14155552671',
    To: '+14155550000',
    Body: 'do you ship to Canada? ¿y a México? 🚚',
    NumMedia: '0',
  }

  it("accepts the signature twilio's getExpectedTwilioSignature computes", async () => {
    const sig = twilio.getExpectedTwilioSignature(TOKEN, url, params)
    expect(await verifyTwilioSignature(TOKEN, url, params, sig)).toBe(true)
    // And ours agrees with twilio's own validateRequest on the same inputs.
    expect(twilio.validateRequest(TOKEN, sig, url, params)).toBe(true)
  })

  it('agrees with validateRequest when Twilio signed the URL with its default port, or without', async () => {
    const withPort = 'https://cartback.example:443/webhooks/twilio/st_1'
    for (const [signed, received] of [
      [withPort, url],
      [url, withPort],
    ] as const) {
      const sig = twilio.getExpectedTwilioSignature(TOKEN, signed, params)
      expect(twilio.validateRequest(TOKEN, sig, received, params)).toBe(true)
      expect(await verifyTwilioSignature(TOKEN, received, params, sig)).toBe(true)
    }
  })

  it('agrees with validateRequest on a status callback URL with our message id in its query', async () => {
    const withId =
      'https://cartback.example/webhooks/twilio/st_1/status?m=msg_Ab12Cd34Ef56Gh78Ij90Kl'
    const status = { MessageSid: params.MessageSid, MessageStatus: 'delivered', To: params.To }
    const sig = twilio.getExpectedTwilioSignature(TOKEN, withId, status)
    expect(twilio.validateRequest(TOKEN, sig, withId, status)).toBe(true)
    expect(await verifyTwilioSignature(TOKEN, withId, status, sig)).toBe(true)
    // The id is covered: another message's id, or none, does not verify.
    const other = withId.replace('msg_Ab12', 'msg_Zz12')
    expect(twilio.validateRequest(TOKEN, sig, other, status)).toBe(false)
    expect(await verifyTwilioSignature(TOKEN, other, status, sig)).toBe(false)
    expect(await verifyTwilioSignature(TOKEN, withId.split('?')[0]!, status, sig)).toBe(false)
  })

  it('refuses what validateRequest refuses: another body, another token', async () => {
    const sig = twilio.getExpectedTwilioSignature(TOKEN, url, params)
    const changed = { ...params, Body: 'STOP' }
    expect(twilio.validateRequest(TOKEN, sig, url, changed)).toBe(false)
    expect(await verifyTwilioSignature(TOKEN, url, changed, sig)).toBe(false)
    expect(await verifyTwilioSignature('another-token', url, params, sig)).toBe(false)
  })
})
