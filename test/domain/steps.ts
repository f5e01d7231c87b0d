// A store's sequence steps and the policy a cart reads from them, for the cart's table tests.
import type { Step } from '../../src/domain/sequence/steps'
import type { CartPolicy } from '../../src/domain/store/settings'

/** An email step `delayMin` minutes after abandonment. */
export const email = (id: string, delayMin: number, windowMin = 600): Step => ({
  id,
  channel: 'email',
  delaySeconds: delayMin * 60,
  windowSeconds: windowMin * 60,
  template: { subject: 's', heading: 'h', body: 'b', buttonLabel: 'go' },
})
/** A text step `delayMin` minutes after abandonment. */
export const text = (id: string, delayMin: number, windowMin = 600): Step => ({
  id,
  channel: 'sms',
  delaySeconds: delayMin * 60,
  windowSeconds: windowMin * 60,
  template: { body: '{{restoreUrl}}' },
})

/** A store's policy for one cart: Acme in USD, quiet 21:00–8:00, with `sequence`. */
export function policy(sequence: Step[], o: Partial<CartPolicy> = {}): CartPolicy {
  return {
    version: 1,
    storeName: 'Acme',
    currency: 'USD',
    baseUrl: 'https://cartback.test',
    smsFrom: null,
    attribution: { emailWindowSeconds: 5 * 86_400, smsWindowSeconds: 86_400 },
    inactivitySeconds: 60,
    attributionWindowSeconds: 7 * 24 * 3600,
    restoreTtlSeconds: 86_400,
    sequence,
    quietHours: { startHour: 8, endHour: 21 },
    sender: { accentColor: '#4f46e5' },
    smsDoubleOptIn: false,
    ...o,
  }
}
