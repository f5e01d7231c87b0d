// Twilio signatures checked against vectors computed with node:crypto, independently of the
// WebCrypto code the Worker runs (Twilio documents the algorithm; twilio-node does the same).
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { verifyTwilioSignature } from '../../src/adapters/sms/verify-signature'

const TOKEN = '12345'
const sign = (url: string, params: Record<string, string>) =>
  createHmac('sha1', TOKEN)
    .update(
      url +
        Object.keys(params)
          .sort()
          .map((k) => k + params[k])
          .join(''),
    )
    .digest('base64')

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
